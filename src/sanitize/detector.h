// Finds everything the policy covers in a scan buffer: one Hyperscan pass
// for the literal triggers (confirmed by finders), one numeric pass for the
// digit shapes, then overlap resolution and assignment to segments.
#pragma once

#include <string_view>
#include <vector>

#include "sanitize/literal_matcher.h"
#include "sanitize/numeric_scanner.h"
#include "sanitize/scan_state.h"
#include "sanitize/triggers.h"

namespace vigil::sanitize_detail {

class Detector {
 public:
  Detector(const std::vector<Trigger>& triggers, const LiteralMatcher* matcher,
           const NumericScanner& numeric)
      : triggers_(triggers), matcher_(matcher), numeric_(numeric) {}

  // `buf` holds st.segments back to back. Fills st.findings (disjoint, in
  // buffer order), each segment's finding range, and `sensitive` on keys.
  // False when the literal scan failed; the caller must then fail closed.
  bool detect(std::string_view buf, ScanState& st) const;

 private:
  void run_triggers(std::string_view buf, ScanState& st) const;
  static void assign_findings(ScanState& st);

  const std::vector<Trigger>& triggers_;
  const LiteralMatcher* matcher_;  // null when no trigger is enabled
  const NumericScanner& numeric_;
};

}  // namespace vigil::sanitize_detail
