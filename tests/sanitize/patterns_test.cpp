// Each pattern in free text, with the default policy: what is found, what is
// left alone, and that the text around a finding is kept byte for byte.
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "sanitize/finders.h"
#include "sanitize_test_util.h"

namespace vigil {
namespace {

using testing::clean;
using testing::luhn_complete;

TEST(SanitizePatterns, SsnOnWordBoundariesOnly) {
  EXPECT_EQ(clean("ssn 123-45-6789, ok"), "ssn [REDACTED_SSN], ok");
  EXPECT_EQ(clean("id=123-45-6789"), "id=[REDACTED_SSN]");
  EXPECT_EQ(clean("1234-45-6789"), "1234-45-6789");
  EXPECT_EQ(clean("123-45-67890"), "123-45-67890");
  EXPECT_EQ(clean("x123-45-6789"), "x123-45-6789");
  EXPECT_EQ(clean("2024-01-15"), "2024-01-15");
}

TEST(SanitizePatterns, CreditCardOnlyWhenLuhnHolds) {
  EXPECT_EQ(clean("card 4111 1111 1111 1111 exp"), "card [REDACTED_CREDIT_CARD] exp");
  EXPECT_EQ(clean("4111-1111-1111-1111"), "[REDACTED_CREDIT_CARD]");
  EXPECT_EQ(clean("4111111111111111"), "[REDACTED_CREDIT_CARD]");
  EXPECT_EQ(clean("amex 3782 822463 10005."), "amex [REDACTED_CREDIT_CARD].");
  // Same shape, wrong checksum: an order number, kept.
  EXPECT_EQ(clean("order 1234 5678 9012 3456"), "order 1234 5678 9012 3456");
  EXPECT_EQ(clean("order 4111 1111 1111 1112"), "order 4111 1111 1111 1112");
}

TEST(SanitizePatterns, CreditCardIgnoresEpochTimestampsAndLongerNumbers) {
  const std::string epoch_ms = luhn_complete("170532184512");  // Luhn-valid, starts with 1
  EXPECT_EQ(clean("ts=" + epoch_ms), "ts=" + epoch_ms);
  const std::string twenty = "41111111111111111111";
  EXPECT_EQ(clean(twenty), twenty);  // 20 digits: no card inside one number
  EXPECT_EQ(clean("x4111111111111111"), "x4111111111111111");  // no word boundary
}

TEST(SanitizePatterns, CreditCardNotShortenedByAPrecedingNumber) {
  const std::string out = clean("qty 3 4111 1111 1111 1111 thanks");
  EXPECT_EQ(out.find("4111"), std::string::npos) << out;
  EXPECT_EQ(out.find("1111"), std::string::npos) << out;
  EXPECT_NE(out.find("[REDACTED_CREDIT_CARD] thanks"), std::string::npos) << out;
}

TEST(SanitizePatterns, Email) {
  EXPECT_EQ(clean("mail alice.smith+tag@example.co.uk now"), "mail [REDACTED_EMAIL] now");
  EXPECT_EQ(clean("<Bob@Example.COM>"), "<[REDACTED_EMAIL]>");
  EXPECT_EQ(clean("mailto:carol@example.org"), "mailto:[REDACTED_EMAIL]");
  EXPECT_EQ(clean("user@localhost"), "user@localhost");
  EXPECT_EQ(clean("a@b.c"), "a@b.c");
  EXPECT_EQ(clean("@everyone"), "@everyone");
}

TEST(SanitizePatterns, Ipv4AnonymizedToSlash24) {
  EXPECT_EQ(clean("from 203.0.113.77 port 22"), "from 203.0.113.0 port 22");
  EXPECT_EQ(clean("10.1.2.3:8080"), "10.1.2.0:8080");
  EXPECT_EQ(clean("peer=192.168.001.010."), "peer=192.168.1.0.");
  EXPECT_EQ(clean("version 1.2.3.4.5"), "version 1.2.3.4.5");
  EXPECT_EQ(clean("999.1.1.1"), "999.1.1.1");
  EXPECT_EQ(clean("v1.2.3.4"), "v1.2.3.4");
}

TEST(SanitizePatterns, Ipv6AnonymizedToSlash48) {
  EXPECT_EQ(clean("2001:db8:abcd:12:1:2:3:4"), "2001:db8:abcd::");
  EXPECT_EQ(clean("[2001:db8:1:2::1]:443"), "[2001:db8:1::]:443");
  EXPECT_EQ(clean("src:2001:db8:1:2::1 denied"), "src:2001:db8:1:: denied");
  EXPECT_EQ(clean("fe80::1ff:fe23:4567:890a%eth0"), "fe80::%eth0");
  EXPECT_EQ(clean("mapped ::ffff:203.0.113.77"), "mapped ::ffff:203.0.113.0");
  EXPECT_EQ(clean("2001:db8:1:2::1: refused"), "2001:db8:1::: refused");
}

TEST(SanitizePatterns, ColonsThatAreNotIpv6StayUntouched) {
  for (const char* s : {"12:30:45", "2024-01-15T12:30:45.123Z", "00:1a:2b:3c:4d:5e",
                        "std::vector<int>", "Foo::Bar", "key: value", "a:b:c"}) {
    EXPECT_EQ(clean(s), s);
  }
}

TEST(SanitizePatterns, DigitsAfterAColonAreStillChecked) {
  EXPECT_EQ(clean("card:4111 1111 1111 1111"), "card:[REDACTED_CREDIT_CARD]");
  EXPECT_EQ(clean("at 12:30:45 from 203.0.113.9"), "at 12:30:45 from 203.0.113.0");
}

TEST(SanitizePatterns, PasswordValuesKeepTheirKeyword) {
  EXPECT_EQ(clean("login password=hunter2 user=bob"),
            "login password=[REDACTED_PASSWORD] user=bob");
  EXPECT_EQ(clean("Password: hunter2"), "Password: [REDACTED_PASSWORD]");
  EXPECT_EQ(clean(R"({"password": "correct horse"})"), R"({"password": "[REDACTED_PASSWORD]"})");
  EXPECT_EQ(clean(R"(msg {\"passwd\":\"x\"})"), R"(msg {\"passwd\":\"[REDACTED_PASSWORD]\"})");
  EXPECT_EQ(clean("pwd='s3 cret' ok"), "pwd='[REDACTED_PASSWORD]' ok");
  EXPECT_EQ(clean("user_password=abc&next=1"), "user_password=[REDACTED_PASSWORD]&next=1");
  EXPECT_EQ(clean("Server=db;Password=s3cret;Database=app"),
            "Server=db;Password=[REDACTED_PASSWORD];Database=app");
  EXPECT_EQ(clean("password=\"unterminated"), "password=\"[REDACTED_PASSWORD]");
}

TEST(SanitizePatterns, PasswordWordInProseIsKept) {
  for (const char* s : {"password reset requested for bob", "Failed password for alice",
                        "password=", "password: \"\""}) {
    EXPECT_EQ(clean(s), s);
  }
}

TEST(SanitizePatterns, UrlCredentials) {
  EXPECT_EQ(clean("dsn postgres://admin:s3cret@db.internal:5432/app"),
            "dsn postgres://admin:[REDACTED_PASSWORD]@db.internal:5432/app");
  EXPECT_EQ(clean("redis://:tok@cache:6379"), "redis://:[REDACTED_PASSWORD]@cache:6379");
  EXPECT_EQ(clean("http://host:8080/path?q=1"), "http://host:8080/path?q=1");
}

TEST(SanitizePatterns, BearerAndAuthorizationCredentials) {
  EXPECT_EQ(clean("Authorization: Bearer abcdef123456"),
            "Authorization: Bearer [REDACTED_BEARER_TOKEN]");
  EXPECT_EQ(clean("authorization=Basic dXNlcjpwYXNz, next"),
            "authorization=Basic [REDACTED_BEARER_TOKEN], next");
  EXPECT_EQ(clean(R"("Authorization":"token ghp_abc123")"),
            R"("Authorization":"token [REDACTED_BEARER_TOKEN]")");
  EXPECT_EQ(clean("curl -H 'bearer 0123456789abcdef'"), "curl -H 'bearer [REDACTED_BEARER_TOKEN]'");
  EXPECT_EQ(clean("the bearer of bad news"), "the bearer of bad news");
  EXPECT_EQ(clean("Bearer tokens expire"), "Bearer tokens expire");
  EXPECT_EQ(clean("authorization failed for bob"), "authorization failed for bob");
}

TEST(SanitizePatterns, SensitiveKeyAssignmentsInText) {
  EXPECT_EQ(clean("GET /cb?code=x&access_token=abc123&state=y"),
            "GET /cb?code=x&access_token=[REDACTED]&state=y");
  EXPECT_EQ(clean(R"(orig {"user":"bob","client_secret":"s3 cr"})"),
            R"(orig {"user":"bob","client_secret":"[REDACTED]"})");
  EXPECT_EQ(clean("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG"),
            "AWS_SECRET_ACCESS_KEY=[REDACTED]");
  EXPECT_EQ(clean("X-Api-Key: k_live_123"), "X-Api-Key: [REDACTED]");
  // Same rules as for keys: these are not secrets.
  for (const char* s : {"token_count=5", "tokens: 12", "pwdLastSet=1", "the secret is out"}) {
    EXPECT_EQ(clean(s), s);
  }
}

TEST(SanitizePatterns, Jwt) {
  const std::string jwt =
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
  EXPECT_EQ(clean("session " + jwt + " end"), "session [REDACTED_JWT] end");
  EXPECT_EQ(clean("t=" + jwt), "t=[REDACTED_JWT]");
  // JWS payloads need not be JSON.
  EXPECT_EQ(clean("jws eyJhbGciOiJIUzI1NiJ9.cGF5bG9hZA.c2ln"), "jws [REDACTED_JWT]");
  EXPECT_EQ(clean("eyJhbGciOiJIUzI1NiJ9 only"), "eyJhbGciOiJIUzI1NiJ9 only");
  EXPECT_EQ(clean("eyJhbG.a.b"), "eyJhbG.a.b");  // too short for a JSON header
}

// `find` on prefix + token + an ender and more text, and on prefix + token
// alone, finds exactly the token.
template <typename Find>
void expect_token_found(const std::string& prefix, const std::string& token,
                        std::string_view enders, Find find) {
  for (const char ender : enders) {
    for (const std::string& tail : {std::string(1, ender) + "rest", std::string()}) {
      const std::string text = prefix + token + tail;
      const std::optional<sanitize_detail::Span> found = find(text);
      ASSERT_TRUE(found.has_value()) << text;
      EXPECT_EQ(found->begin, prefix.size());
      EXPECT_EQ(found->end, prefix.size() + token.size()) << text;
    }
  }
}

std::string random_token(std::mt19937& rng, std::string_view chars, size_t length) {
  std::string token;
  for (size_t i = 0; i < length; ++i) token += chars[rng() % chars.size()];
  return token;
}

// Token runs are read 16 bytes at a time: each must end wherever it falls in
// a block, whatever byte ends it (neighbours of the character ranges, bytes
// above 0x7f), and at the end of the text.
TEST(SanitizePatterns, JwtPartsEndWhereverTheyEnd) {
  const std::string b64url = "abcXYZ019_-";
  const std::string enders = std::string("/:@[`{.+= \x80\xff\"") + '\0';
  std::mt19937 rng(20261128);
  for (size_t header = 7; header < 40; ++header) {
    for (size_t signature = 0; signature < 40; ++signature) {
      // (An empty signature ends the token right after its second dot.)
      const std::string jwt = "eyJ" + random_token(rng, b64url, header) + "." +
                              random_token(rng, b64url, header % 21) + "." +
                              random_token(rng, b64url, signature);
      expect_token_found("x ", jwt, enders, [](std::string_view text) {
        return sanitize_detail::find_jwt(text, 2, 5);
      });
    }
  }
}

TEST(SanitizePatterns, BearerTokensEndWhereverTheyEnd) {
  const std::string token_chars = "aZ09_-.~+/=";
  const std::string enders = std::string(":@[`{,;\x80\xff\"") + '\0';
  std::mt19937 rng(20261128);
  for (size_t length = 8; length < 70; ++length) {
    expect_token_found(
        "Bearer ", random_token(rng, token_chars, length), enders,
        [](std::string_view text) { return sanitize_detail::find_bearer(text, 0, 6); });
  }
}

TEST(SanitizePatterns, AwsAccessKeyId) {
  EXPECT_EQ(clean("key AKIAIOSFODNN7EXAMPLE used"), "key [REDACTED_AWS_ACCESS_KEY] used");
  EXPECT_EQ(clean("ASIAY34FZKBOKMUTVV7A"), "[REDACTED_AWS_ACCESS_KEY]");
  EXPECT_EQ(clean("AKIAIOSFODNN7EXAMPL"), "AKIAIOSFODNN7EXAMPL");      // 15 after AKIA
  EXPECT_EQ(clean("XAKIAIOSFODNN7EXAMPLE"), "XAKIAIOSFODNN7EXAMPLE");  // inside a word
  EXPECT_EQ(clean("AKIAIOSFODNN7EXAMPLEX"), "AKIAIOSFODNN7EXAMPLEX");
}

TEST(SanitizePatterns, PrivateKeyBlocks) {
  const std::string block =
      "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nq2Zs==\n-----END RSA PRIVATE KEY-----";
  EXPECT_EQ(clean("before\n" + block + "\nafter"), "before\n[REDACTED_PRIVATE_KEY]\nafter");
  EXPECT_EQ(clean("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA"),
            "[REDACTED_PRIVATE_KEY]");  // cut off: the rest is still key material
  const std::string pub = "-----BEGIN PUBLIC KEY-----\nMFkwEwYH\n-----END PUBLIC KEY-----";
  EXPECT_EQ(clean(pub), pub);
}

}  // namespace
}  // namespace vigil
