// Shared helpers for the sanitizer tests.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "config/config.h"
#include "sanitize/sanitizer.h"

namespace vigil::testing {

inline constexpr const char* kTestKey = "0123456789abcdef0123456789abcdef";

inline SanitizeConfig keyed_config() {
  SanitizeConfig c;
  c.pseudonymize_key = kTestKey;
  return c;
}

// keyed_config() with one action for e-mail addresses and sensitive keys:
// the actions under which one value can come out of a document differently
// (redacted, pseudonymized, or dropped).
inline SanitizeConfig config_with_email_action(const char* action) {
  SanitizeConfig c = keyed_config();
  c.actions["email"] = action;
  c.actions["sensitive_key"] = action;
  return c;
}

// A sanitizer for `config`; fails the test when the config is rejected.
inline std::shared_ptr<const Sanitizer> make_sanitizer(const SanitizeConfig& config) {
  auto s = Sanitizer::create(config);
  EXPECT_TRUE(s) << s.error().message;
  return s ? *s : nullptr;
}

inline std::shared_ptr<const Sanitizer> default_sanitizer() {
  static const auto s = make_sanitizer(keyed_config());
  return s;
}

inline std::string clean(std::string_view text) {
  return default_sanitizer()->sanitize_text(text);
}

// Appends the Luhn check digit to `prefix`.
inline std::string luhn_complete(std::string prefix) {
  int sum = 0;
  bool twice = true;
  for (size_t i = prefix.size(); i-- > 0;) {
    int d = prefix[i] - '0';
    if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    twice = !twice;
  }
  return prefix + static_cast<char>('0' + (10 - sum % 10) % 10);
}

}  // namespace vigil::testing
