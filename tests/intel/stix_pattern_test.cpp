#include "intel/stix_pattern.h"

#include <gtest/gtest.h>

#include <sstream>

#include "intel/stix_translate.h"
#include "support/test_data.h"

namespace vigil::intel {
namespace {

std::vector<std::string> lines_of(const std::filesystem::path& p) {
  std::istringstream in(testing::read_file(p));
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

TEST(StixPattern, EverySpecExampleParses) {
  VIGIL_REQUIRE_DATA(file, "ti/stix/patterns/stix21-spec-examples.txt");
  const auto patterns = lines_of(file);
  EXPECT_EQ(patterns.size(), 23u);  // the README's count
  for (const auto& p : patterns) {
    auto parsed = parse_stix_pattern(p);
    EXPECT_TRUE(parsed) << p << ": " << parsed.error().message;
  }
}

// The validator's pass cases must parse. Its fail cases include semantic
// checks vigil does not make (hash lengths, duplicate qualifiers, timestamp
// ranges), so only the syntax failures in FAIL_CASES are held to rejection.
TEST(StixPattern, ValidatorCases) {
  VIGIL_REQUIRE_DATA(file, "ti/stix/patterns/stix21-validator-cases.tsv");
  size_t pass_rows = 0, fail_rows = 0, rejected = 0;
  for (const auto& line : lines_of(file)) {
    std::vector<std::string> cols;
    std::istringstream row(line);
    for (std::string c; std::getline(row, c, '\t');) cols.push_back(c);
    if (cols.size() < 3 || cols[0] == "expect") continue;
    auto parsed = parse_stix_pattern(cols[2]);
    if (cols[0] == "pass") {
      ++pass_rows;
      EXPECT_TRUE(parsed) << cols[2] << ": " << parsed.error().message;
    } else {
      ++fail_rows;
      if (!parsed) ++rejected;
    }
  }
  EXPECT_EQ(pass_rows, 37u);
  EXPECT_EQ(fail_rows, 27u);
  RecordProperty("fail_cases_rejected", static_cast<int>(rejected));
  std::cout << "validator fail cases rejected by the parser: " << rejected << " of " << fail_rows
            << "\n";
}

TEST(StixPattern, TranslatesEqualityAndInUnderOrAndAnd) {
  auto p = parse_stix_pattern(
      "[ipv4-addr:value = '1.2.3.4' OR domain-name:value IN ('a.example', 'b.example')] AND "
      "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f' "
      "AND file:name = 'x.exe' AND url:value NOT = 'http://no.example/'] WITHIN 60 SECONDS");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_TRUE(p->has_qualifiers_or_sequences);
  const auto obs = translate_stix_pattern(*p);
  ASSERT_EQ(obs.size(), 4u);
  EXPECT_EQ(obs[0].value, "1.2.3.4");
  EXPECT_EQ(obs[1].value, "a.example");
  EXPECT_EQ(obs[2].value, "b.example");
  EXPECT_EQ(obs[3].type, IndicatorType::kSha256);
}

TEST(StixPattern, UntranslatableAndBroken) {
  auto p = parse_stix_pattern("[process:name = 'evil' AND email-message:subject MATCHES '^x']");
  ASSERT_TRUE(p);
  EXPECT_TRUE(translate_stix_pattern(*p).empty());
  EXPECT_FALSE(parse_stix_pattern("[ipv4-addr:value = '1.2.3.4'"));
  EXPECT_FALSE(parse_stix_pattern("ipv4-addr:value = '1.2.3.4'"));
  EXPECT_FALSE(parse_stix_pattern("[ipv4-addr:value = 'unterminated]"));
  EXPECT_FALSE(parse_stix_pattern("[ipv4-addr:value === '1.2.3.4']"));
  EXPECT_FALSE(parse_stix_pattern("[ipv4-addr:value = '1.2.3.4'] WITHIN SECONDS"));
}

}  // namespace
}  // namespace vigil::intel
