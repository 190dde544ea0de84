// The built-in web_scanner correlation (rules/vigil/web_scanner.yml: one
// source.ip with client errors on >= N distinct url.path within 5 minutes)
// run by the real Sigma engine over the access decoder's events of the Elastic
// Apache sample. The expected sources are counted here from the raw text.
// The sample stamps every line HH:05:SS (84 hours, minute always 05, seconds
// not in order within the minute): each hour's traffic sits in one minute, so
// a 5-minute window holds an hour of it, and events arrive out of order.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include "core/field_path.h"
#include "core/timestamp.h"
#include "decoders/loghub_structure.h"
#include "decoders/rule_runner.h"
#include "detect/sigma.h"
#include "ingest/decoders/decoder.h"
#include "normalize/normalizer.h"
#include "support/test_data.h"

namespace vigil {
namespace {

using testing::CollectAlerts;

struct ClientError {
  int64_t seconds;
  std::string path;
};

// "[17/May/2015:10:05:03 +0000]" -> epoch seconds (the sample is all +0000).
int64_t clf_seconds(const std::string& t) {
  static const std::string kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
  const auto month = static_cast<unsigned>(kMonths.find(t.substr(3, 3)) / 3 + 1);
  return days_from_civil(std::stoi(t.substr(7, 4)), month,
                         static_cast<unsigned>(std::stoi(t.substr(0, 2)))) *
             86400 +
         std::stoi(t.substr(12, 2)) * 3600 + std::stoi(t.substr(15, 2)) * 60 +
         std::stoi(t.substr(18, 2));
}

// Client address -> its 4xx requests, split from the raw lines:
// IP - - [time] "METHOD target HTTP/x" status ...
std::map<std::string, std::vector<ClientError>> client_errors(
    const std::vector<std::string>& lines) {
  std::map<std::string, std::vector<ClientError>> out;
  for (const auto& line : lines) {
    const size_t open = line.find(" [");
    const size_t close = line.find("] \"", open);
    const size_t request_end = line.find("\" ", close + 3);
    if (open == std::string::npos || close == std::string::npos || request_end == std::string::npos)
      continue;
    const std::string request = line.substr(close + 3, request_end - close - 3);
    const int status = std::atoi(line.c_str() + request_end + 2);
    const size_t sp1 = request.find(' ');
    if (status < 400 || status > 499 || sp1 == std::string::npos) continue;
    const std::string target = request.substr(sp1 + 1, request.find(' ', sp1 + 1) - sp1 - 1);
    out[line.substr(0, line.find(' '))].push_back(
        {clf_seconds(line.substr(open + 2, close - open - 2)), target.substr(0, target.find('?'))});
  }
  return out;
}

// Sources with >= n distinct paths among their client errors within some
// 5-minute span.
std::set<std::string> scanners(std::map<std::string, std::vector<ClientError>> by_ip, size_t n) {
  std::set<std::string> out;
  for (auto& [ip, errors] : by_ip) {
    std::sort(errors.begin(), errors.end(),
              [](const auto& a, const auto& b) { return a.seconds < b.seconds; });
    for (size_t i = 0; i < errors.size() && !out.count(ip); ++i) {
      std::set<std::string> paths;
      for (size_t j = i; j < errors.size() && errors[j].seconds - errors[i].seconds <= 300; ++j)
        paths.insert(errors[j].path);
      if (paths.size() >= n) out.insert(ip);
    }
  }
  return out;
}

// The rule file as shipped, or with its threshold replaced.
std::filesystem::path rule_file(size_t threshold) {
  const auto shipped = testing::source_dir() / "rules" / "vigil" / "web_scanner.yml";
  std::string text = testing::read_file(shipped);
  const std::string shipped_condition = "gte: 20";
  const size_t at = text.find(shipped_condition);
  EXPECT_NE(at, std::string::npos) << "the shipped threshold moved; update this test";
  if (threshold == 20 || at == std::string::npos) return shipped;
  text = text.substr(0, at) + "gte: " + std::to_string(threshold) +
         text.substr(at + shipped_condition.size());
  const auto out =
      std::filesystem::temp_directory_path() / ("vigil-web-scanner-" + std::to_string(::getpid()) +
                                                "-" + std::to_string(threshold) + ".yml");
  std::ofstream(out) << text;
  return out;
}

std::set<std::string> alerted_sources(const std::filesystem::path& rules,
                                      std::vector<Event> events) {
  const auto detector = testing::detector_for({rules});
  const Normalizer normalizer(default_config().normalize);
  CollectAlerts sink;
  for (Event& e : events) {
    normalizer.normalize(e);
    detector->on_event(e, sink);
  }
  std::set<std::string> out;
  const FieldPath source_ip("source.ip");
  for (const Alert& a : sink.alerts) {
    if (a.rule != "web_scanner" || a.events.empty()) continue;
    const Value* ip = source_ip.find(a.events.front());
    out.insert(ip && ip->is_string() ? ip->as_string() : "<none>");
  }
  return out;
}

TEST(BuiltinRulesOnRealLogs, WebScannerAlertsExactlyTheSourcesWithManyDistinctClientErrorPaths) {
  VIGIL_REQUIRE_DATA(dir, "logs/elastic-apache-access");
  const auto file = dir / "apache_logs";
  const auto by_ip = client_errors(testing::read_lines(file));
  ASSERT_GT(by_ip.size(), 50u);  // 217 client errors from 92 sources in the sample

  auto decoder = make_decoder("access", DecoderCatalog{});
  ASSERT_TRUE(decoder.has_value());
  DecodeResult decoded;
  (*decoder)->decode(testing::read_file(file), 1, Timestamp::now(), decoded);
  ASSERT_GT(decoded.events.size(), 9000u);

  // The shipped threshold (20) finds no scanner in this sample: the busiest
  // source reaches 10 distinct paths (an FCKeditor probe, 144.76.95.39).
  // Lower thresholds run the same correlation where the sample has scanners.
  bool some_positive = false;
  for (size_t threshold : {20u, 8u, 4u}) {
    const auto expected = scanners(by_ip, threshold);
    some_positive |= !expected.empty();
    EXPECT_EQ(alerted_sources(rule_file(threshold), decoded.events), expected)
        << "threshold " << threshold;
  }
  EXPECT_TRUE(some_positive);

  // The negative that matters: a source with many client errors on one path
  // (208.91.156.11: 60 requests answered 4xx, all the same URL) is a broken
  // client, not a scanner, even at the lowest threshold.
  const auto& repeater = by_ip.at("208.91.156.11");
  ASSERT_GE(repeater.size(), 20u);
  std::set<std::string> its_paths;
  for (const auto& e : repeater) its_paths.insert(e.path);
  ASSERT_EQ(its_paths.size(), 1u);
  EXPECT_FALSE(alerted_sources(rule_file(4), decoded.events).count("208.91.156.11"));
  for (size_t threshold : {8u, 4u}) std::filesystem::remove(rule_file(threshold));
}

}  // namespace
}  // namespace vigil
