// Hostile and odd input: embedded NULs, non-ASCII bytes, and strings built to
// make a naive finder quadratic. The sanitizer sits on every output path, so
// one slow string would stall the whole process.
#include <chrono>

#include "core/json_writer.h"
#include "sanitize_test_util.h"

namespace vigil {
namespace {

using testing::clean;

std::string repeat(std::string_view unit, size_t bytes) {
  std::string out;
  while (out.size() < bytes) out += unit;
  return out;
}

TEST(SanitizeRobustness, EmbeddedNulAndHighBytes) {
  const std::string nul(1, '\0');
  EXPECT_EQ(clean("ssn" + nul + "123-45-6789" + nul), "ssn" + nul + "[REDACTED_SSN]" + nul);
  EXPECT_EQ(clean("caf\xc3\xa9 alice@example.com"), "caf\xc3\xa9 [REDACTED_EMAIL]");
  EXPECT_EQ(clean("\xc3\xa9"
                  "alice@example.com\xff"),
            "\xc3\xa9[REDACTED_EMAIL]\xff");
  EXPECT_EQ(clean("\xff\xfe 203.0.113.9 \x80"), "\xff\xfe 203.0.113.0 \x80");
}

TEST(SanitizeRobustness, StringsDoNotJoinAcrossValues) {
  // Each half alone is harmless; joined they would look like an SSN or a card.
  Value doc = Array{Value("123-45"), Value("-6789"), Value("4111 1111"), Value("1111 1111")};
  const Value before = doc;
  testing::default_sanitizer()->sanitize(doc);
  EXPECT_EQ(doc, before);
}

TEST(SanitizeRobustness, AdversarialInputStaysLinear) {
  constexpr size_t kBytes = 200 << 10;
  const char* units[] = {
      "password=",
      "a@",
      "a@b.",
      "1:",
      "1.",
      "1 ",
      "eyJa.",
      "bearer ",
      "://a:",
      "AKIA",
      "-----BEGIN PRIVATE KEY-----",
      "Authorization: ",
      "f:",
      "123-45-",
      "x:a@b.cd",
      "-----BEGIN X-----",
  };
  for (const char* unit : units) {
    const std::string input = repeat(unit, kBytes);
    const auto start = std::chrono::steady_clock::now();
    const std::string out = clean(input);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    // Linear work is milliseconds even under ASan; quadratic would be minutes.
    EXPECT_LT(seconds, 3.0) << "unit '" << unit << "' took " << seconds << " s";
  }
}

TEST(SanitizeRobustness, RepeatedKeywordIsOneValue) {
  EXPECT_EQ(clean(repeat("password=", 9 * 1000)), "password=[REDACTED_PASSWORD]");
}

TEST(SanitizeRobustness, ManyFindingsInOneString) {
  const std::string input = repeat("x 203.0.113.7 a@example.org 123-45-6789 ", 64 << 10);
  const std::string out = clean(input);
  EXPECT_EQ(out.find("203.0.113.7"), std::string::npos);
  EXPECT_EQ(out.find("a@example.org"), std::string::npos);
  EXPECT_EQ(out.find("123-45-6789"), std::string::npos);
}

TEST(SanitizeRobustness, WideDocument) {
  Object wide;
  for (int i = 0; i < 20000; ++i) {
    wide.emplace_back("k" + std::to_string(i), i % 2 ? Value("u" + std::to_string(i) + "@ex.org")
                                                     : Value(Object{{"token", "t"}}));
  }
  Value doc = std::move(wide);
  testing::default_sanitizer()->sanitize(doc);
  const std::string json = to_json(doc);
  EXPECT_EQ(json.find("@ex.org"), std::string::npos);
  EXPECT_EQ(json.find("\"t\""), std::string::npos);
  EXPECT_EQ(doc.as_object().size(), 20000u);
}

}  // namespace
}  // namespace vigil
