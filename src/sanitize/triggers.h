// The literals the Hyperscan database looks for, and what each one starts:
// every pattern except the digit-shaped ones (see numeric_scanner.h) is
// anchored on a literal ("@", "password", "eyJ", "-----BEGIN", ...) and a
// finder (finders.h) confirms the match and finds its exact extent.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "sanitize/pattern.h"
#include "sanitize/policy.h"

namespace vigil::sanitize_detail {

enum class Finder : uint8_t {
  kEmail,
  kPassword,
  kUrlPassword,
  kBearer,
  kAuthorization,
  kJwt,
  kAwsKey,
  kPrivateKey,
  kKeyRule,  // a sensitive-key rule: object keys, and key=value in text when in_text
};
inline constexpr size_t kFinderCount = 9;

// Where a key rule's literal must sit in a key. A dotted flat key
// ("db.password") counts its last component as a key of its own.
enum class KeyMode : uint8_t { kContains, kSuffix, kPrefix, kExact };

struct Trigger {
  std::string literal;
  bool caseless = false;
  Finder finder = Finder::kEmail;
  Pattern pattern = Pattern::kEmail;
  KeyMode mode = KeyMode::kContains;
  bool in_text = false;  // key rules: also `key=value` / `"key": "value"` inside strings
};

// The triggers of every enabled pattern, plus one key rule per built-in and
// configured sensitive key. Configured keys match case-insensitively and
// exactly; a leading or trailing `*` makes them suffix, prefix or
// contains-rules ("*_secret", "x-internal-*"). Empty or inner-`*` keys are errors.
Result<std::vector<Trigger>> build_triggers(const Policy& policy,
                                            const std::vector<std::string>& sensitive_keys);

bool key_rule_matches(KeyMode mode, std::string_view key, size_t begin, size_t end);

}  // namespace vigil::sanitize_detail
