// The numbers the Isolation Forest sees for one event. Each means something
// on its own (no hashed identifiers as numbers): cyclic time of day and of
// week, log data volume, resources touched, the entity's recent event rate
// and failure ratio, novelty flags against the entity's history, database
// query length and character entropy, and distance from the entity's usual
// places; and, because one global model cannot know each entity's habits,
// the data volume against the entity's usual and how usual the time of day is
// for it. The schema is versioned: a stored model of another schema is not
// loaded.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "behavior/observation_reader.h"
#include "config/config.h"
#include "core/error.h"
#include "core/event.h"
#include "core/field_path.h"

namespace vigil::ml {

enum Feature : uint32_t {
  kHourSin,
  kHourCos,
  kWeekSin,
  kWeekCos,
  kHourRarity,     // -log2 of the smoothed share of the entity's past events within an hour of
                   // this time of day: 3 for an even spread, ~10 for an hour it is never active
  kDataVolume,     // ln(1 + kilobytes)
  kVolumeVsUsual,  // ln((1 + kilobytes) / (1 + the entity's usual kilobytes))
  kResourceCount,  // resources named by the event
  kEventRate,      // ln(1 + the entity's recent events per hour)
  kFailureRatio,   // share of the entity's recent events that failed
  kNewIp,          // 1: a source IP this entity was not seen from
  kNewResource,    // 1: a resource this entity did not touch before
  kNewPlace,       // 1: a country (network without GeoIP) new for this entity
  kQueryLength,    // ln(1 + characters of the database query)
  kQueryEntropy,   // Shannon entropy of the query's bytes, bits per byte
  kGeoDistance,    // ln(1 + km from the nearest of the entity's usual places)
  kTravelSpeed,    // ln(1 + km/h beyond a plausible speed, from the entity's last sighting)
  kNewDevice,      // 1: a device (browser/OS family, or device id) new for this entity
  kFeatureCount
};

// Bump when a feature's meaning changes: stored models of another schema are
// ignored (they would score a different space).
inline constexpr uint32_t kFeatureSchema = 3;

using FeatureRow = std::array<float, kFeatureCount>;

// Names in Feature order, as models, alerts and docs show them.
std::span<const std::string> feature_names();

// Which features the models split on (ml.model_features). A feature left out
// stays in the row (alert context, words) but is 0 in the rows the models
// train on and score, and a constant feature is never split on — the same
// forest as one grown without that column.
class FeatureMask {
 public:
  FeatureMask();  // every feature
  // Unknown names are an error naming the feature and the known ones.
  static Result<FeatureMask> from_names(std::span<const std::string> names);
  bool uses(uint32_t feature) const { return used_[feature]; }
  // `row` with the unused features zeroed.
  FeatureRow apply(const FeatureRow& row) const;

 private:
  std::array<bool, kFeatureCount> used_{};
};

struct Cyclic {
  double sin = 0;
  double cos = 1;
};
// `value` on a circle of `period`: 23:59 and 00:00 are neighbours.
Cyclic cyclic(double value, double period);
// Shannon entropy of the bytes of `s`, in bits per byte (0 for empty).
double char_entropy(std::string_view s);
// Failure by ECS event.outcome, else an action naming a failure.
bool is_failure(std::string_view outcome, std::string_view action);

// What one event says on its own. Identifiers are kept as 64-bit hashes;
// the raw entity key lives only as long as the event is processed.
struct EventFacts {
  behavior::Observation observation;
  std::optional<uint64_t> ip_hash;
  std::optional<uint64_t> place_hash;  // country, else network
  std::vector<uint64_t> resource_hashes;
  std::optional<uint64_t> device_hash;  // browser/OS family or device id
  bool failure = false;
  std::optional<std::string_view> query;  // points into the event
};

class FactReader {
 public:
  // `devices` (may be null) turns user agents into browser/OS families; the
  // user-agent and device-id fields are behavior:'s defaults.
  // `observed` gives the device and user-agent fields (behavior:'s; its
  // entity is replaced by config.entity).
  explicit FactReader(const MlConfig& config,
                      std::shared_ptr<const behavior::DeviceParser> devices = nullptr,
                      const BehaviorConfig& observed = {});
  // nullopt when the event names no entity.
  std::optional<EventFacts> read(const Event& event) const;
  // The event's values of every path this reader reads (its observation's
  // and its own), in one walk: what the two calls below read through.
  behavior::EventFields fields_of(const Value& doc) const { return observations_.fields_of(doc); }
  // The observation alone (what behavior:'s reader of the same config reads).
  std::optional<behavior::Observation> observe(const Event& event,
                                               const behavior::EventFields& fields) const {
    return observations_.read(event, fields);
  }
  // The facts of an event whose observation was read through `fields`
  // (fields_of(event.doc)).
  EventFacts read(behavior::Observation observation, const behavior::EventFields& fields) const;

 private:
  behavior::ObservationReader observations_;  // its path set holds this reader's paths too
  behavior::FieldId resource_, source_ip_, outcome_;
  std::vector<behavior::FieldId> query_fields_;
};

// The features that depend on the event alone (time, volume, resources,
// query); the history features are filled by EntityHistory.
void fill_event_features(const EventFacts& facts, FeatureRow& row);

}  // namespace vigil::ml
