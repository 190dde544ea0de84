// Text feeds: every real sample in ti/feeds that is one indicator per line.
#include <gtest/gtest.h>

#include <fstream>

#include "feed_test_util.h"
#include "intel/indicator_store.h"
#include "support/test_data.h"

namespace vigil::intel {
namespace {

using namespace testing_util;

struct TextSample {
  const char* path;
  IndicatorType type;  // every line's type
};

class RealTextFeeds : public ::testing::TestWithParam<TextSample> {};

// Each line is read, each distinct value kept once, nothing is malformed.
TEST_P(RealTextFeeds, ImportsEveryLine) {
  VIGIL_REQUIRE_DATA(file, std::string("ti/feeds/") + GetParam().path);
  const FeedReport r = import_or_fail("text", file, options_for("sample"));
  EXPECT_EQ(r.records, count_data_lines(file));
  EXPECT_EQ(r.indicators().size(), distinct_first_tokens(file).size());
  EXPECT_EQ(skipped(r, "malformed"), 0u);
  for (const auto& i : r.indicators()) EXPECT_EQ(i.type, GetParam().type) << i.value;
}

INSTANTIATE_TEST_SUITE_P(
    Samples, RealTextFeeds,
    ::testing::Values(TextSample{"spamhaus/drop.txt", IndicatorType::kCidr},
                      TextSample{"spamhaus/dropv6.txt", IndicatorType::kCidr},
                      TextSample{"spamhaus/drop_2023-02-20.txt", IndicatorType::kCidr},
                      TextSample{"emergingthreats/compromised-ips.txt", IndicatorType::kIpv4},
                      TextSample{"firehol/spamhaus_edrop.netset", IndicatorType::kCidr},
                      TextSample{"firehol/feodo_badips.ipset", IndicatorType::kIpv4},
                      TextSample{"openphish/feed.txt", IndicatorType::kUrl},
                      TextSample{"abusech/malwarebazaar_recent_md5.txt", IndicatorType::kMd5}));

TEST(TextFeed, SpamhausCountsMatchTheReadme) {
  VIGIL_REQUIRE_DATA(v4, "ti/feeds/spamhaus/drop.txt");
  VIGIL_REQUIRE_DATA(v6, "ti/feeds/spamhaus/dropv6.txt");
  EXPECT_EQ(import_or_fail("text", v4, options_for("drop")).indicators().size(), 1385u);
  EXPECT_EQ(import_or_fail("text", v6, options_for("drop")).indicators().size(), 78u);
}

// MalwareBazaar's trailer says 506 entries; the file holds 507 hashes (one
// more than its own count). The reader keeps all and reports the mismatch.
TEST(TextFeed, TrailerCountMismatchIsReported) {
  VIGIL_REQUIRE_DATA(file, "ti/feeds/abusech/malwarebazaar_recent_md5.txt");
  const FeedReport r = import_or_fail("text", file, options_for("mb"));
  ASSERT_TRUE(r.declared_count);
  EXPECT_EQ(*r.declared_count, 506u);
  EXPECT_EQ(r.records, count_data_lines(file));
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].line, 0u);
  EXPECT_NE(r.problems[0].message.find("506"), std::string::npos);
}

TEST(TextFeed, LookupsHitRangesFromDrop) {
  VIGIL_REQUIRE_DATA(file, "ti/feeds/spamhaus/drop.txt");
  IndicatorStore store;
  store.replace_source("drop", import_or_fail("text", file, options_for("drop")).indicators());
  // The first data line of the file is "1.10.16.0/20 ; SBL256894".
  auto r = store.lookup("1.10.31.255", std::nullopt, kImportTime);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->matches.at(0).value, "1.10.16.0/20");
  EXPECT_FALSE(store.lookup("1.10.32.0", std::nullopt, kImportTime));
}

// Two DROP snapshots as successive updates of one source: ranges delisted in
// between stop matching, ranges listed in both still match.
TEST(TextFeed, ReloadReplacesTheSourcesRanges) {
  VIGIL_REQUIRE_DATA(old_file, "ti/feeds/spamhaus/drop_2023-02-20.txt");
  VIGIL_REQUIRE_DATA(new_file, "ti/feeds/spamhaus/drop.txt");
  const auto old_set = distinct_first_tokens(old_file), new_set = distinct_first_tokens(new_file);
  std::string delisted, kept;
  for (const auto& c : old_set) {
    if (!new_set.contains(c) && delisted.empty()) delisted = c;
    if (new_set.contains(c) && kept.empty()) kept = c;
  }
  ASSERT_FALSE(delisted.empty());
  ASSERT_FALSE(kept.empty());
  IndicatorStore store;
  store.replace_source("drop", import_or_fail("text", old_file, options_for("drop")).indicators());
  const std::string delisted_ip = delisted.substr(0, delisted.find('/'));
  const std::string kept_ip = kept.substr(0, kept.find('/'));
  ASSERT_TRUE(store.lookup(delisted_ip, std::nullopt, kImportTime));
  store.replace_source("drop", import_or_fail("text", new_file, options_for("drop")).indicators());
  const auto r = store.lookup(delisted_ip, std::nullopt, kImportTime);
  // A wider range listed only in the new file could still cover it.
  if (r) {
    for (const auto& m : r->matches) EXPECT_NE(m.value, delisted) << delisted;
  }
  EXPECT_TRUE(store.lookup(kept_ip, std::nullopt, kImportTime));
}

TEST(TextFeed, MalformedLinesAreReportedWithTheirNumberAndTheRestKept) {
  const auto dir = vigil::testing::make_temp_dir("intel_text");
  const auto file = dir / "mixed.txt";
  std::ofstream(file) << "# comment\r\n1.2.3.4\r\nnot an indicator\r\n; note\r\n"
                         "// another\r\n5.6.7.0/24 ; SBL1\r\n999.1.1.1\r\n*.evil.example\r\n";
  const FeedReport r = import_or_fail("text", file, options_for("t"));
  std::filesystem::remove_all(dir);
  EXPECT_EQ(r.records, 5u);
  EXPECT_EQ(r.indicators().size(), 3u);
  ASSERT_EQ(r.problems.size(), 2u);
  EXPECT_EQ(r.problems[0].line, 3u);
  EXPECT_EQ(r.problems[1].line, 7u);
  EXPECT_TRUE(r.indicators()[2].include_subdomains);
}

}  // namespace
}  // namespace vigil::intel
