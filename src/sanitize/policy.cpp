#include "sanitize/policy.h"

#include <fmt/format.h>

namespace vigil::sanitize_detail {
namespace {

std::string known_patterns() {
  std::string out;
  for (size_t i = 0; i < kPatternCount; ++i) {
    if (i) out += ", ";
    out += pattern_name(static_cast<Pattern>(i));
  }
  return out;
}

}  // namespace

Policy::Policy() {
  actions_.fill(Action::kRedact);
  actions_[index_of(Pattern::kIpAddress)] = Action::kAnonymizeIp;
}

Result<Policy> Policy::from_config(const SanitizeConfig& config) {
  Policy policy;
  for (const auto& [name, action_text] : config.actions) {
    const auto pattern = parse_pattern(name);
    if (!pattern) {
      return make_error(ErrorCode::kConfig,
                        fmt::format("sanitize.actions: unknown pattern '{}' (known: {})", name,
                                    known_patterns()));
    }
    const auto action = parse_action(action_text);
    if (!action) {
      return make_error(ErrorCode::kConfig,
                        fmt::format("sanitize.actions.{}: unknown action '{}' (known: redact, "
                                    "pseudonymize, anonymize_ip, drop, keep)",
                                    name, action_text));
    }
    if (*action == Action::kAnonymizeIp && *pattern != Pattern::kIpAddress) {
      return make_error(
          ErrorCode::kConfig,
          fmt::format("sanitize.actions.{}: anonymize_ip only applies to ip_address", name));
    }
    policy.actions_[index_of(*pattern)] = *action;
  }
  return policy;
}

}  // namespace vigil::sanitize_detail
