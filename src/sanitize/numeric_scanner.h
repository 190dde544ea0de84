// The digit-shaped patterns (SSN, credit card, IPv4, IPv6) in one hand-written
// pass over a scan buffer. They are not in the Hyperscan database on purpose:
// without a literal to anchor on, Hyperscan runs them as NFAs over every digit
// and they cost ~5x the rest of the scan together on typical events (measured
// on this machine: ~700 ns vs ~150 ns per 250-byte event). This scanner finds
// digits and ':' through 64-byte bit masks and checks shapes in place.
#pragma once

#include <string_view>
#include <vector>

#include "sanitize/digit_shapes.h"
#include "sanitize/pattern.h"
#include "sanitize/policy.h"

namespace vigil::sanitize_detail {

class NumericScanner {
 public:
  explicit NumericScanner(const Policy& policy);

  bool enabled() const { return ssn_ || card_ || ip_; }
  // Appends findings in buffer offsets. `groups` is caller-owned scratch.
  void scan(std::string_view buf, std::vector<DigitGroup>& groups, std::vector<Finding>& out) const;

 private:
  // Checks the run of digit groups starting at i (its first group ends at
  // first_end); returns where the run ends.
  size_t digit_run(std::string_view buf, size_t i, size_t first_end,
                   std::vector<DigitGroup>& groups, std::vector<Finding>& out) const;

  bool ssn_;
  bool card_;
  bool ip_;
};

// IPv6 around the ':' at `colon`: the maximal run of [0-9A-Fa-f:.] is tried
// whole, then without leading "word:" parts ("src:2001:db8::1"), and with a
// trailing ':' or '.' dropped; parse_ipv6 (inet_pton's reading) decides.
// Sets *run_end to the run's end so that the other colons of the run are not
// tried again.
void find_ipv6(std::string_view buf, size_t colon, size_t* run_end, std::vector<Finding>& out);

}  // namespace vigil::sanitize_detail
