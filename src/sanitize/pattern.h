// The closed vocabulary of the sanitize policy: what the sanitizer finds
// (Pattern) and what it does with a finding (Action), with their config names.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace vigil::sanitize_detail {

// Declaration order is also the tie-break when two patterns find the same span.
enum class Pattern : uint8_t {
  kSsn,
  kCreditCard,
  kEmail,
  kIpAddress,
  kPassword,
  kBearerToken,
  kJwt,
  kAwsAccessKey,
  kPrivateKey,
  kSensitiveKey,
};
inline constexpr size_t kPatternCount = 10;

enum class Action : uint8_t { kRedact, kPseudonymize, kAnonymizeIp, kDrop, kKeep };

inline constexpr size_t index_of(Pattern p) {
  return static_cast<size_t>(p);
}

std::string_view pattern_name(Pattern p);
std::optional<Pattern> parse_pattern(std::string_view name);
std::string_view action_name(Action a);
std::optional<Action> parse_action(std::string_view name);

// One finding in a scan buffer: [begin, end) in buffer offsets.
struct Finding {
  size_t begin = 0;
  size_t end = 0;
  Pattern pattern = Pattern::kSsn;
};

}  // namespace vigil::sanitize_detail
