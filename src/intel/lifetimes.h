// How long an indicator stays live when its feed gives no expiry. Peers that
// kept such indicators forever drowned their users in stale matches; IPs are
// reassigned within weeks, domains lapse within months, a file hash names the
// same file for good but the campaign behind it moves on within a year.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "core/error.h"
#include "core/timestamp.h"
#include "intel/indicator.h"

namespace vigil::intel {

class Lifetimes {
 public:
  // IPs and URLs 30 days, CIDR ranges 90, domains and e-mails 180, hashes 365.
  Lifetimes();

  int64_t seconds(IndicatorType type) const { return seconds_[static_cast<size_t>(type)]; }
  void set(IndicatorType type, int64_t seconds) { seconds_[static_cast<size_t>(type)] = seconds; }
  // "30d", "12h", "90m", "3600s" or plain seconds.
  static Result<int64_t> parse_duration(std::string_view text);

  // `seen` + the type's lifetime.
  Timestamp expiry_from(IndicatorType type, Timestamp seen) const {
    return Timestamp{seen.micros + seconds(type) * 1'000'000};
  }

 private:
  std::array<int64_t, kIndicatorTypeCount> seconds_{};
};

}  // namespace vigil::intel
