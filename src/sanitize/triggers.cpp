#include "sanitize/triggers.h"

#include <fmt/format.h>

#include "core/strings.h"

namespace vigil::sanitize_detail {
namespace {

struct TextTrigger {
  const char* literal;
  bool caseless;
  Finder finder;
  Pattern pattern;
  KeyMode mode;  // for the password words: where the word sits in its identifier
};

constexpr TextTrigger kTextTriggers[] = {
    {"@", false, Finder::kEmail, Pattern::kEmail, KeyMode::kContains},
    {"password", true, Finder::kPassword, Pattern::kPassword, KeyMode::kContains},
    {"passwd", true, Finder::kPassword, Pattern::kPassword, KeyMode::kContains},
    {"passphrase", true, Finder::kPassword, Pattern::kPassword, KeyMode::kContains},
    {"pwd", true, Finder::kPassword, Pattern::kPassword, KeyMode::kSuffix},
    {"://", false, Finder::kUrlPassword, Pattern::kPassword, KeyMode::kContains},
    {"bearer", true, Finder::kBearer, Pattern::kBearerToken, KeyMode::kContains},
    {"authorization", true, Finder::kAuthorization, Pattern::kBearerToken, KeyMode::kContains},
    {"eyJ", false, Finder::kJwt, Pattern::kJwt, KeyMode::kContains},
    {"AKIA", false, Finder::kAwsKey, Pattern::kAwsAccessKey, KeyMode::kContains},
    {"ASIA", false, Finder::kAwsKey, Pattern::kAwsAccessKey, KeyMode::kContains},
    {"-----BEGIN", false, Finder::kPrivateKey, Pattern::kPrivateKey, KeyMode::kContains},
};

struct KeyRule {
  const char* literal;
  KeyMode mode;
  bool in_text;
};

// Built-in sensitive keys, matched case-insensitively. "Contains" is kept to
// words that name a secret wherever they appear (user_password, x-api-key,
// client_secret); "token" and "pwd" only end a key (access_token, csrfToken,
// db_pwd) so that token_count or pwdLastSet keep their values.
// In text (in_text) the password words are left to the password pattern and
// authorization to bearer_token, which own them there; cookie is not applied
// (a cookie header holds several pairs, a bare value would cover only one).
constexpr KeyRule kKeyRules[] = {
    {"password", KeyMode::kContains, false},
    {"passwd", KeyMode::kContains, false},
    {"passphrase", KeyMode::kContains, false},
    {"pwd", KeyMode::kSuffix, false},
    {"secret", KeyMode::kContains, true},
    {"apikey", KeyMode::kContains, true},
    {"api_key", KeyMode::kContains, true},
    {"api-key", KeyMode::kContains, true},
    {"privatekey", KeyMode::kContains, true},
    {"private_key", KeyMode::kContains, true},
    {"private-key", KeyMode::kContains, true},
    {"credential", KeyMode::kContains, true},
    {"authorization", KeyMode::kContains, false},
    {"cookie", KeyMode::kContains, false},
    {"token", KeyMode::kSuffix, true},
};

Result<Trigger> user_key_rule(const std::string& key) {
  std::string_view k = key;
  const bool lead = k.size() > 1 && k.front() == '*';
  if (lead) k.remove_prefix(1);
  const bool trail = k.size() > 1 && k.back() == '*';
  if (trail) k.remove_suffix(1);
  if (trim(k).empty() || k.find('*') != std::string_view::npos ||
      k.find('\0') != std::string_view::npos) {
    return make_error(ErrorCode::kConfig,
                      fmt::format("sanitize.sensitive_keys: bad key '{}' (want a key name, "
                                  "optionally with a leading and/or trailing '*')",
                                  key));
  }
  const KeyMode mode = lead && trail ? KeyMode::kContains
                       : lead        ? KeyMode::kSuffix
                       : trail       ? KeyMode::kPrefix
                                     : KeyMode::kExact;
  return Trigger{std::string(k), true, Finder::kKeyRule, Pattern::kSensitiveKey, mode, true};
}

}  // namespace

Result<std::vector<Trigger>> build_triggers(const Policy& policy,
                                            const std::vector<std::string>& sensitive_keys) {
  std::vector<Trigger> out;
  for (const auto& t : kTextTriggers) {
    if (policy.enabled(t.pattern)) {
      out.push_back({t.literal, t.caseless, t.finder, t.pattern, t.mode});
    }
  }
  // Keys are validated even when the rule is off, so a typo never waits for
  // the day someone turns it on.
  std::vector<Trigger> key_rules;
  for (const auto& key : sensitive_keys) {
    auto rule = user_key_rule(key);
    if (!rule) return tl::unexpected(rule.error());
    key_rules.push_back(std::move(*rule));
  }
  if (!policy.enabled(Pattern::kSensitiveKey)) return out;
  for (const auto& r : kKeyRules) {
    out.push_back({r.literal, true, Finder::kKeyRule, Pattern::kSensitiveKey, r.mode, r.in_text});
  }
  for (auto& r : key_rules) out.push_back(std::move(r));
  return out;
}

bool key_rule_matches(KeyMode mode, std::string_view key, size_t begin, size_t end) {
  const bool at_start = begin == 0 || key[begin - 1] == '.';
  const bool at_end = end == key.size();
  switch (mode) {
    case KeyMode::kContains:
      return true;
    case KeyMode::kSuffix:
      return at_end;
    case KeyMode::kPrefix:
      return at_start;
    case KeyMode::kExact:
      return at_start && at_end;
  }
  return false;
}

}  // namespace vigil::sanitize_detail
