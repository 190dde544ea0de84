// What the sanitizer does with each pattern: the configured actions on top
// of the defaults, validated once at start-up.
#pragma once

#include <array>

#include "config/config.h"
#include "core/error.h"
#include "sanitize/pattern.h"

namespace vigil::sanitize_detail {

class Policy {
 public:
  // Defaults: every pattern `redact`, except ip_address `anonymize_ip`.
  static Result<Policy> from_config(const SanitizeConfig& config);

  Action action(Pattern p) const { return actions_[index_of(p)]; }
  bool enabled(Pattern p) const { return action(p) != Action::kKeep; }

 private:
  Policy();
  std::array<Action, kPatternCount> actions_;
};

}  // namespace vigil::sanitize_detail
