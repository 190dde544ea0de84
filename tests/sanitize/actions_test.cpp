// Actions per pattern: pseudonymize (keyed, stable), drop, keep, IP prefixes,
// and the public pseudonymize/anonymize_ip helpers.
#include <openssl/hmac.h>
#include <stdlib.h>

#include "sanitize_test_util.h"

namespace vigil {
namespace {

using testing::keyed_config;
using testing::make_sanitizer;

std::shared_ptr<const Sanitizer> with_action(const std::string& pattern,
                                             const std::string& action) {
  SanitizeConfig c = keyed_config();
  c.actions[pattern] = action;
  return make_sanitizer(c);
}

// The pseudonym computed independently with OpenSSL's one-shot HMAC.
std::string reference_pseudonym(std::string_view key, std::string_view value) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(value.data()), value.size(), mac, &n);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "pseud_";
  for (int i = 0; i < 8; ++i) {
    out.push_back(kHex[mac[i] >> 4]);
    out.push_back(kHex[mac[i] & 0xf]);
  }
  return out;
}

TEST(SanitizeActions, RedactNamesEveryPattern) {
  const auto s = testing::default_sanitizer();
  EXPECT_EQ(s->sanitize_text("123-45-6789"), "[REDACTED_SSN]");
  EXPECT_EQ(s->sanitize_text("a@example.org"), "[REDACTED_EMAIL]");
  EXPECT_EQ(s->sanitize_text("pwd=x"), "pwd=[REDACTED_PASSWORD]");
}

TEST(SanitizeActions, PseudonymIsKeyedHmacSha256) {
  const auto s = with_action("email", "pseudonymize");
  const std::string expected = reference_pseudonym(testing::kTestKey, "alice@example.com");
  EXPECT_EQ(s->sanitize_text("mail alice@example.com now"), "mail " + expected + " now");
  EXPECT_EQ(s->pseudonymize("alice@example.com"), expected);
  EXPECT_EQ(s->pseudonymize("alice@example.com"), s->pseudonymize("alice@example.com"));
  EXPECT_NE(s->pseudonymize("alice@example.com"), s->pseudonymize("bob@example.com"));
}

TEST(SanitizeActions, PseudonymsDifferAcrossKeys) {
  SanitizeConfig other = keyed_config();
  other.pseudonymize_key = "another-key-of-at-least-16-bytes";
  const auto a = make_sanitizer(keyed_config());
  const auto b = make_sanitizer(other);
  EXPECT_NE(a->pseudonymize("alice"), b->pseudonymize("alice"));
  EXPECT_EQ(b->pseudonymize("alice"), reference_pseudonym(other.pseudonymize_key, "alice"));
}

TEST(SanitizeActions, LongKeysAreHashedFirstAsHmacRequires) {
  SanitizeConfig c = keyed_config();
  c.pseudonymize_key = std::string(100, 'k');
  EXPECT_EQ(make_sanitizer(c)->pseudonymize("v"), reference_pseudonym(c.pseudonymize_key, "v"));
}

TEST(SanitizeActions, KeyFromEnvironmentThenEphemeral) {
  SanitizeConfig c;  // no configured key
  ::setenv("VIGIL_PSEUDONYMIZE_KEY", "env-key-0123456789abcdef", 1);
  const auto from_env = make_sanitizer(c);
  EXPECT_FALSE(from_env->ephemeral_key());
  EXPECT_EQ(from_env->pseudonymize("bob"), reference_pseudonym("env-key-0123456789abcdef", "bob"));
  ::unsetenv("VIGIL_PSEUDONYMIZE_KEY");
  const auto a = make_sanitizer(c);
  const auto b = make_sanitizer(c);
  EXPECT_TRUE(a->ephemeral_key());
  EXPECT_FALSE(make_sanitizer(keyed_config())->ephemeral_key());
  // One random key per process: a config reload keeps pseudonyms stable.
  EXPECT_EQ(a->pseudonymize("bob"), b->pseudonymize("bob"));
  EXPECT_NE(a->pseudonymize("bob"), from_env->pseudonymize("bob"));
}

TEST(SanitizeActions, DropRemovesTheMatchOnly) {
  EXPECT_EQ(with_action("email", "drop")->sanitize_text("mail a@example.org now"), "mail  now");
  EXPECT_EQ(with_action("ssn", "drop")->sanitize_text("123-45-6789"), "");
  EXPECT_EQ(with_action("password", "drop")->sanitize_text("password=x y"), "password= y");
}

TEST(SanitizeActions, KeepTurnsAPatternOff) {
  const auto s = with_action("ip_address", "keep");
  EXPECT_EQ(s->sanitize_text("from 203.0.113.77 and 2001:db8::1"),
            "from 203.0.113.77 and 2001:db8::1");
  EXPECT_EQ(s->sanitize_text("a@example.org"), "[REDACTED_EMAIL]");  // others still on
}

TEST(SanitizeActions, EveryPatternAcceptsEveryGeneralAction) {
  const char* samples[][2] = {
      {"ssn", "123-45-6789"},
      {"credit_card", "4111 1111 1111 1111"},
      {"email", "a@example.org"},
      {"ip_address", "203.0.113.77"},
      {"password", "password=hunter2"},
      {"bearer_token", "Bearer abcdefgh12345678"},
      {"jwt", "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.sig"},
      {"aws_access_key", "AKIAIOSFODNN7EXAMPLE"},
      {"private_key", "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----"},
  };
  for (const auto& [pattern, text] : samples) {
    for (const char* action : {"redact", "pseudonymize", "drop"}) {
      const std::string out = with_action(pattern, action)->sanitize_text(text);
      EXPECT_EQ(out.find(pattern == std::string("password") ? "hunter2" : text), std::string::npos)
          << pattern << " " << action << " -> " << out;
    }
    EXPECT_EQ(with_action(pattern, "keep")->sanitize_text(text), text) << pattern;
  }
}

TEST(SanitizeActions, IpPseudonymizedInsteadOfAnonymized) {
  const auto s = with_action("ip_address", "pseudonymize");
  EXPECT_EQ(s->sanitize_text("from 203.0.113.77"), "from " + s->pseudonymize("203.0.113.77"));
}

TEST(SanitizeActions, Ipv4Prefixes) {
  for (auto [prefix, expected] :
       {std::pair{16, "203.0.0.0"}, std::pair{8, "203.0.0.0"}, std::pair{28, "203.0.113.64"},
        std::pair{32, "203.0.113.77"}, std::pair{0, "0.0.0.0"}}) {
    SanitizeConfig c = keyed_config();
    c.ipv4_prefix = prefix;
    EXPECT_EQ(make_sanitizer(c)->anonymize_ip("203.0.113.77"), expected) << prefix;
  }
}

TEST(SanitizeActions, Ipv6PrefixesAndMappedIpv4) {
  SanitizeConfig c = keyed_config();
  c.ipv6_prefix = 64;
  c.ipv4_prefix = 16;
  const auto s = make_sanitizer(c);
  EXPECT_EQ(s->anonymize_ip("2001:db8:abcd:12:1:2:3:4"), "2001:db8:abcd:12::");
  EXPECT_EQ(s->anonymize_ip("::ffff:203.0.113.77"), "::ffff:203.0.0.0");
  EXPECT_EQ(testing::default_sanitizer()->anonymize_ip("2001:db8:abcd:12ff:1::4"),
            "2001:db8:abcd::");
  c.ipv6_prefix = 52;  // not on a 16-bit boundary
  EXPECT_EQ(make_sanitizer(c)->anonymize_ip("2001:db8:abcd:12ff::1"), "2001:db8:abcd:1000::");
}

TEST(SanitizeActions, AnonymizeIpLeavesNonAddressesAlone) {
  const auto s = testing::default_sanitizer();
  EXPECT_EQ(s->anonymize_ip("203.0.113.77"), "203.0.113.0");
  for (const char* text : {"not an ip", "203.0.113.77 ", "203.0.113", "256.1.1.1", "", "::g"}) {
    EXPECT_EQ(s->anonymize_ip(text), text);
  }
}

}  // namespace
}  // namespace vigil
