// CSV feeds: the real Feodo Tracker and PhishTank samples, and fixtures in the
// URLhaus, ThreatFox and MalwareBazaar layouts (tests/intel/data/README.md).
#include <gtest/gtest.h>

#include <fstream>

#include "feed_test_util.h"
#include "intel/csv_feed_reader.h"
#include "intel/indicator_store.h"
#include "support/test_data.h"

namespace vigil::intel {
namespace {

using namespace testing_util;

FeedOptions preset(const std::string& name) {
  FeedOptions o = options_for(name);
  o.csv = *csv_preset(name);
  return o;
}

std::filesystem::path fixture(const std::string& name) {
  return vigil::testing::source_dir() / "tests/intel/data" / name;
}

// The second quoted field of each data line after the header (dst_ip).
std::set<std::string> feodo_ips(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::set<std::string> ips;
  bool header = true;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    if (header) {
      header = false;
      continue;
    }
    const size_t a = line.find("\",\"") + 3;
    ips.insert(line.substr(a, line.find('"', a) - a));
  }
  return ips;
}

TEST(CsvFeed, FeodoTrackerBlocklist) {
  VIGIL_REQUIRE_DATA(file, "ti/feeds/abusech/feodotracker_ipblocklist.csv");
  const FeedReport r = import_or_fail("csv", file, preset("feodo"));
  const size_t rows = count_data_lines(file) - 1;  // minus the quoted header
  EXPECT_EQ(r.records, rows);
  ASSERT_TRUE(r.declared_count);
  EXPECT_EQ(*r.declared_count, rows);  // "# END 28 entries"
  EXPECT_TRUE(r.problems.empty());
  const auto ips = feodo_ips(file);
  EXPECT_EQ(r.indicators().size(), ips.size());
  // First row: "2023-05-23 17:51:44","192.9.135.73","1194","online","2024-04-01","Pikabot"
  IndicatorStore store;
  store.replace_source("feodo", r.indicators());
  auto hit = store.lookup("192.9.135.73", std::nullopt, kImportTime);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->tags, std::vector<std::string>{"Pikabot"});
  EXPECT_EQ(hit->first_seen, *parse_iso8601("2023-05-23 17:51:44"));
  EXPECT_EQ(hit->last_seen, *parse_iso8601("2024-04-01"));
}

TEST(CsvFeed, FeodoTrackerWithCrlfAsServed) {
  VIGIL_REQUIRE_DATA(file, "ti/feeds/abusech/feodotracker_ipblocklist.csv");
  std::string text = vigil::testing::read_file(file), crlf;
  for (char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  const FeedReport r = CsvFeedReader(preset("feodo")).parse(crlf);
  EXPECT_EQ(r.records, count_data_lines(file) - 1);
  EXPECT_TRUE(r.problems.empty());
}

TEST(CsvFeed, PhishTankVerifiedOnline) {
  VIGIL_REQUIRE_DATA(file, "ti/feeds/phishtank/verified_online.csv");
  const FeedReport r = import_or_fail("csv", file, preset("phishtank"));
  const size_t rows = count_data_lines(file) - 1;
  EXPECT_EQ(r.records, rows);
  EXPECT_EQ(r.indicators().size(), rows);  // 63 distinct URLs (sort -u on column 2)
  EXPECT_TRUE(r.problems.empty());
  // First row: 7465927,https://tcnqpvv.cn,http://www.phishtank.com/...,2022-03-17T03:32:00+00:00
  IndicatorStore store;
  store.replace_source("phishtank", r.indicators());
  auto hit = store.lookup("https://TCNQPVV.cn/", std::nullopt, kImportTime);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->matches[0].reference,
            "http://www.phishtank.com/phish_detail.php?phish_id=7465927");
  EXPECT_EQ(hit->tags, std::vector<std::string>{"Other"});
}

TEST(CsvFeed, UrlhausCommentedHeaderAndTagLists) {
  const FeedReport r = import_or_fail("csv", fixture("urlhaus_recent.csv"), preset("urlhaus"));
  EXPECT_EQ(r.records, 3u);
  ASSERT_EQ(r.indicators().size(), 2u);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].line, 12u);  // "not a url"
  EXPECT_EQ(r.indicators()[0].tags,
            (std::vector<std::string>{"malware_download", "32-bit", "elf", "mirai"}));
  EXPECT_EQ(r.indicators()[1].value, "https://evil-download.example/payload.exe");
}

TEST(CsvFeed, ThreatFoxCommaSpaceIpPortAndNone) {
  const FeedReport r = import_or_fail("csv", fixture("threatfox_export.csv"), preset("threatfox"));
  EXPECT_EQ(r.records, 6u);
  ASSERT_TRUE(r.declared_count);
  EXPECT_EQ(*r.declared_count, 6u);
  ASSERT_EQ(r.indicators().size(), 5u);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].line, 15u);  // 14 fields
  EXPECT_EQ(r.indicators()[0].value, "185.117.90.142");
  EXPECT_EQ(r.indicators()[0].confidence, 100);
  EXPECT_EQ(r.indicators()[1].value, "2a02:cf40:1::5");  // IPv6 ip:port split on the last colon
  EXPECT_EQ(r.indicators()[1].type, IndicatorType::kIpv6);
  EXPECT_EQ(r.indicators()[1].reference, "https://example.org/qakbot");
  EXPECT_EQ(r.indicators()[2].type, IndicatorType::kDomain);
  EXPECT_EQ(r.indicators()[3].type, IndicatorType::kUrl);
  EXPECT_EQ(r.indicators()[4].type, IndicatorType::kSha256);
  EXPECT_EQ(r.indicators()[4].value[0], 'e');  // lower-cased
  EXPECT_EQ(r.indicators()[0].tags,
            (std::vector<std::string>{"botnet_cc", "Cobalt Strike", "CobaltStrike", "c2"}));
}

TEST(CsvFeed, MalwareBazaarThreeHashesPerRow) {
  const FeedReport r =
      import_or_fail("csv", fixture("malwarebazaar_recent.csv"), preset("malwarebazaar"));
  EXPECT_EQ(r.records, 2u);
  EXPECT_EQ(r.indicators().size(), 6u);
  EXPECT_TRUE(r.problems.empty());
  EXPECT_EQ(r.indicators()[0].description, "uranium.arm5");
}

TEST(CsvFeed, CustomMappingWithoutHeaderLine) {
  FeedOptions o = options_for("custom");
  o.csv.values = {{"indicator", std::nullopt}};
  o.csv.tag_columns = {"family"};
  o.csv.header = {"indicator", "family"};
  const FeedReport r =
      CsvFeedReader(o).parse("evil.example,zeus\n\"1.2.3.4\", \"emotet\"\n\"x,y\n");
  EXPECT_EQ(r.indicators().size(), 2u);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].line, 3u);
}

TEST(CsvFeed, SplitsFeedLines) {
  EXPECT_EQ(*split_feed_csv_line("\"a\", \"b,c\",d, e"),
            (std::vector<std::string>{"a", "b,c", "d", "e"}));
  EXPECT_EQ(*split_feed_csv_line("\"say \"\"hi\"\"\","),
            (std::vector<std::string>{"say \"hi\"", ""}));
  EXPECT_FALSE(split_feed_csv_line("\"open"));
  EXPECT_FALSE(split_feed_csv_line("\"a\"b,c"));
}

}  // namespace
}  // namespace vigil::intel
