#include "sanitize/pattern.h"

#include <array>

namespace vigil::sanitize_detail {
namespace {

constexpr std::array<std::string_view, kPatternCount> kPatternNames = {
    "ssn",          "credit_card", "email",          "ip_address",  "password",
    "bearer_token", "jwt",         "aws_access_key", "private_key", "sensitive_key",
};

constexpr std::array<std::string_view, 5> kActionNames = {
    "redact", "pseudonymize", "anonymize_ip", "drop", "keep",
};

}  // namespace

std::string_view pattern_name(Pattern p) {
  return kPatternNames[index_of(p)];
}

std::optional<Pattern> parse_pattern(std::string_view name) {
  for (size_t i = 0; i < kPatternNames.size(); ++i) {
    if (kPatternNames[i] == name) return static_cast<Pattern>(i);
  }
  return std::nullopt;
}

std::string_view action_name(Action a) {
  return kActionNames[static_cast<size_t>(a)];
}

std::optional<Action> parse_action(std::string_view name) {
  for (size_t i = 0; i < kActionNames.size(); ++i) {
    if (kActionNames[i] == name) return static_cast<Action>(i);
  }
  return std::nullopt;
}

}  // namespace vigil::sanitize_detail
