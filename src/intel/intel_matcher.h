// The intel detector: checks the configured fields of each event (raw values,
// before sanitization) against the indicator store. A match attaches
// `threat_indicators` (the aggregated lookup per matching value) to the
// event, raises its severity to at least high, and raises one
// `threat_intel_match` alert naming the sources, tags and confidence.
// Allowlisted values never match (the store counts them).
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "core/field_path.h"
#include "detect/detector.h"
#include "intel/indicator_store.h"
#include "metrics/counter.h"

namespace vigil::intel {

inline constexpr std::string_view kIntelRuleName = "threat_intel_match";
inline constexpr std::string_view kThreatIndicatorsField = "threat_indicators";

// Event fields checked, per kind of value (dotted paths; arrays of strings allowed).
struct MatchFields {
  std::vector<FieldPath> ip;      // IP addresses
  std::vector<FieldPath> domain;  // host names (an IP there is looked up as an IP)
  std::vector<FieldPath> url;     // URLs, and the host inside against domain/IP indicators
  std::vector<FieldPath> hash;    // MD5/SHA-1/SHA-256/SHA-512, type from the length
  std::vector<FieldPath> email;
};

// One matching value of an event.
struct FieldMatch {
  std::string field;
  LookupResult result;
};

class IntelMatcher final : public Detector {
 public:
  IntelMatcher(std::shared_ptr<const IndicatorStore> store, MatchFields fields,
               metrics::Counter* matches = nullptr);

  std::string_view name() const override { return "intel"; }
  void on_event(Event& event, AlertSink& alerts) override;

  // The matches in one document (no side effects): what on_event acts on.
  std::vector<FieldMatch> match(const Value& doc, Timestamp now) const;

 private:
  std::vector<FieldMatch> match(IndicatorStore::View view, const Value& doc, Timestamp now) const;

  // Each kind's fields as ids of `paths_`, which finds all of them in one
  // walk of the event (a FieldPath::find per field scanned the event's
  // top-level members once per field: ~2 % of a default replay).
  struct KindFields {
    std::vector<uint32_t> ids;
    std::vector<std::string> names;
  };
  KindFields compile(const std::vector<FieldPath>& fields);

  std::shared_ptr<const IndicatorStore> store_;
  FieldPathSet paths_;
  KindFields ip_, domain_, url_, hash_, email_;
  metrics::Counter* matches_;
};

// The aggregated lookup as JSON (threat_indicators entries, API replies).
Value lookup_to_value(const LookupResult& r);

}  // namespace vigil::intel
