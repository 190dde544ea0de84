// IntelService: feeds refreshed from files and over HTTP (ETag, failures that
// keep the last good data, time-outs), expiry and its purge, a restart that
// keeps every indicator, manual indicators and internal intelligence.
#include "intel/intel_service.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <thread>

#include "feed_server.h"
#include "feed_test_util.h"
#include "support/test_data.h"

namespace vigil::intel {
namespace {

void write(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

using testing_util::FeedServer;

class IntelServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = vigil::testing::make_temp_dir("intel_service"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Each service registers its metrics in a registry of its own (a restart).
  std::unique_ptr<IntelService> service(const IntelConfig& config, bool feeds = true) {
    registries_.push_back(std::make_unique<metrics::Registry>());
    auto s = IntelService::create(config, {.data_dir = dir_.string(),
                                           .persist = true,
                                           .feeds = feeds,
                                           .registry = registries_.back().get()});
    EXPECT_TRUE(s) << s.error().message;
    return s ? std::move(*s) : nullptr;
  }
  FeedStatus status_of(const IntelService& s, const std::string& name) {
    for (const auto& f : s.feeds())
      if (f.name == name) return f;
    ADD_FAILURE() << "no feed " << name;
    return {};
  }

  std::filesystem::path dir_;
  std::vector<std::unique_ptr<metrics::Registry>> registries_;
};

IntelFeedConfig text_feed(const std::string& name, const std::string& location) {
  IntelFeedConfig f;
  f.name = name;
  f.type = "text";
  f.location = location;
  f.timeout_s = 2;
  return f;
}

TEST_F(IntelServiceTest, AFileFeedThatBreaksKeepsItsLastGoodData) {
  VIGIL_REQUIRE_DATA(feodo, "ti/feeds/abusech/feodotracker_ipblocklist.csv");
  const auto copy = dir_ / "feodo.csv";
  std::filesystem::copy_file(feodo, copy);
  IntelConfig config;
  IntelFeedConfig f;
  f.name = "feodo";
  f.type = "csv";
  f.preset = "feodo";
  f.location = copy.string();
  f.severity = "high";
  config.feeds.push_back(f);
  auto s = service(config);
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->refresh("feodo"));
  // Independent count: the data rows of the CSV minus its header line.
  const size_t rows = testing_util::count_data_lines(feodo) - 1;
  EXPECT_EQ(status_of(*s, "feodo").indicators, s->store()->source("feodo")->size());
  EXPECT_EQ(status_of(*s, "feodo").records, rows);
  const std::string first_ip = std::string((*s->store()->source("feodo"))[0].value());

  write(copy, "this is not,a feodo\nfeed at all\n");
  auto failed = s->refresh("feodo");
  EXPECT_FALSE(failed);
  FeedStatus st = status_of(*s, "feodo");
  EXPECT_FALSE(st.last_error.empty());
  EXPECT_EQ(st.consecutive_failures, 1u);
  EXPECT_TRUE(s->lookup(first_ip, std::nullopt)) << "last good data kept";

  std::filesystem::remove(copy);
  EXPECT_FALSE(s->refresh("feodo"));
  EXPECT_EQ(status_of(*s, "feodo").consecutive_failures, 2u);
  EXPECT_TRUE(s->lookup(first_ip, std::nullopt));
  const std::string metrics = registries_.back()->render();
  EXPECT_NE(metrics.find(R"(vigil_intel_feed_refreshes_total{feed="feodo",result="failed"} 2)"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find(R"(vigil_intel_feed_failing{feed="feodo"} 1)"), std::string::npos);

  std::filesystem::copy_file(feodo, copy);
  ASSERT_TRUE(s->refresh("feodo"));
  EXPECT_TRUE(status_of(*s, "feodo").last_error.empty());
  EXPECT_EQ(status_of(*s, "feodo").consecutive_failures, 0u);
}

TEST_F(IntelServiceTest, HttpFeedUsesETagsAndKeepsDataOnServerErrors) {
  std::atomic<int> mode{0};  // 0 ok, 1 server error, 3 slow
  std::atomic<int> conditional{0};
  const std::string body = "# test feed\n185.220.101.1\n185.220.101.2\n45.155.205.0/24 ; SBL1\n";
  FeedServer http;  // after what its handlers use: it stops (and joins them) first
  http.server().Get("/feed.txt", [&](const httplib::Request& req, httplib::Response& res) {
    if (mode == 1) {
      res.status = 500;
      return;
    }
    if (mode == 3) std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    if (req.get_header_value("If-None-Match") == "\"v1\"") {
      ++conditional;
      res.status = 304;
      return;
    }
    res.set_header("ETag", "\"v1\"");
    res.set_content(mode == 2 ? "" : body, "text/plain");
  });
  IntelConfig config;
  config.feeds.push_back(text_feed("remote", http.url("/feed.txt")));
  auto s = service(config);
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->refresh("remote"));
  EXPECT_EQ(status_of(*s, "remote").indicators, 3u);
  EXPECT_FALSE(status_of(*s, "remote").not_modified);
  ASSERT_TRUE(s->refresh("remote"));
  EXPECT_EQ(conditional.load(), 1);
  EXPECT_TRUE(status_of(*s, "remote").not_modified);
  EXPECT_EQ(status_of(*s, "remote").indicators, 3u);  // the cached body re-read
  ASSERT_TRUE(s->lookup("45.155.205.9", std::nullopt));

  mode = 1;
  EXPECT_FALSE(s->refresh("remote"));
  EXPECT_NE(status_of(*s, "remote").last_error.find("HTTP 500"), std::string::npos);
  EXPECT_TRUE(s->lookup("185.220.101.2", std::nullopt));
  http.server().Get("/empty.txt", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("", "text/plain");
  });
  IntelConfig empty_config;
  empty_config.feeds.push_back(text_feed("remote", http.url("/empty.txt")));
  s.reset();
  s = service(empty_config);
  ASSERT_TRUE(s->lookup("185.220.101.2", std::nullopt)) << "restart keeps the feed's data";
  EXPECT_FALSE(s->refresh("remote"));
  EXPECT_NE(status_of(*s, "remote").last_error.find("empty"), std::string::npos);
  EXPECT_TRUE(s->lookup("185.220.101.2", std::nullopt));

  // A server slower than the feed's time-out.
  s.reset();
  mode = 3;
  config.feeds[0].timeout_s = 1;
  config.feeds[0].location = http.url("/feed.txt");
  s = service(config);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(s->refresh("remote"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2400));
  EXPECT_NE(status_of(*s, "remote").last_error.find("imeout"), std::string::npos)
      << status_of(*s, "remote").last_error;
  EXPECT_TRUE(s->lookup("185.220.101.1", std::nullopt));
}

TEST_F(IntelServiceTest, AnUpdateReplacesOnlyThatFeedsIndicators) {
  const auto a = dir_ / "a.txt", b = dir_ / "b.txt";
  write(a, "185.220.101.1\n185.220.101.2\n");
  write(b, "185.220.101.2\n");
  IntelConfig config;
  config.feeds = {text_feed("a", a.string()), text_feed("b", b.string())};
  auto s = service(config);
  ASSERT_TRUE(s->refresh("a"));
  ASSERT_TRUE(s->refresh("b"));
  write(a, "185.220.101.3\n");
  ASSERT_TRUE(s->refresh("a"));
  EXPECT_FALSE(s->lookup("185.220.101.1", std::nullopt));  // delisted by its only source
  auto still = s->lookup("185.220.101.2", std::nullopt);   // b still lists it
  ASSERT_TRUE(still);
  EXPECT_EQ(still->sources, std::vector<std::string>{"b"});
  EXPECT_TRUE(s->lookup("185.220.101.3", std::nullopt));
}

TEST_F(IntelServiceTest, ExpiredIndicatorsStopMatchingAndArePurgedFromMemoryAndFile) {
  IntelConfig config;
  auto s = service(config, false);
  const Timestamp now = Timestamp::now();
  Indicator soon;
  soon.value = "185.220.101.9";
  soon.type = IndicatorType::kIpv4;
  soon.valid_until = Timestamp{now.micros + 60'000'000};
  ASSERT_TRUE(s->add_manual(soon));
  Indicator later = soon;
  later.value = "185.220.101.10";
  later.valid_until = Timestamp{now.micros + 3'600'000'000};
  ASSERT_TRUE(s->add_manual(later));
  const Timestamp after{now.micros + 120'000'000};
  EXPECT_TRUE(s->store()->lookup("185.220.101.9", std::nullopt, now));
  EXPECT_FALSE(s->store()->lookup("185.220.101.9", std::nullopt, after));  // expired: no match
  EXPECT_EQ(s->purge(after), 1u);
  EXPECT_EQ(s->store()->size(), 1u);
  s.reset();
  s = service(config, false);  // the file lost it too
  EXPECT_EQ(s->store()->size(), 1u);
  EXPECT_TRUE(s->lookup("185.220.101.10", std::nullopt));
}

TEST_F(IntelServiceTest, ARestartKeepsFeedManualAndInternalIndicators) {
  VIGIL_REQUIRE_DATA(drop, "ti/feeds/spamhaus/drop.txt");
  IntelConfig config;
  config.feeds.push_back(text_feed("drop", drop.string()));
  size_t before = 0;
  std::string manual_id;
  {
    auto s = service(config, false);
    ASSERT_TRUE(s->refresh("drop"));
    Indicator m;
    m.value = "evil.example";
    m.type = IndicatorType::kDomain;
    m.severity = Severity::kCritical;
    auto added = s->add_manual(m);
    ASSERT_TRUE(added);
    manual_id = indicator_id(*added);
    Alert brute;
    brute.rule = "brute_force_login";
    brute.severity = Severity::kHigh;
    brute.time = Timestamp::now();
    brute.entity.source_ip = "185.220.101.44";
    s->on_alert(brute, "0123456789abcdef0123456789abcdef");
    s->apply_internal();
    before = s->store()->size();
    EXPECT_EQ(before, testing_util::count_data_lines(drop) + 2);
  }
  auto s = service(config, false);
  EXPECT_EQ(s->store()->size(), before);
  auto internal = s->lookup("185.220.101.44", std::nullopt);
  ASSERT_TRUE(internal);
  EXPECT_EQ(internal->sources, std::vector<std::string>{"vigil"});
  EXPECT_EQ(internal->matches[0].reference, "alert:0123456789abcdef0123456789abcdef");
  auto removed = s->remove(manual_id);
  ASSERT_TRUE(removed && *removed);
  EXPECT_FALSE(s->lookup("evil.example", std::nullopt));
  s.reset();
  s = service(config, false);
  EXPECT_FALSE(s->lookup("evil.example", std::nullopt)) << "a deletion is persisted";
  EXPECT_EQ(s->store()->size(), before - 1);
}

TEST_F(IntelServiceTest, OnlyQualifyingAlertsBecomeInternalIndicators) {
  IntelConfig config;
  config.internal.rules = {"brute_force_login", "port_scan"};
  auto s = service(config, false);
  const auto alert = [](std::string rule, Severity sev, std::string ip) {
    Alert a;
    a.rule = std::move(rule);
    a.severity = sev;
    a.time = Timestamp::now();
    a.entity.source_ip = std::move(ip);
    return a;
  };
  s->on_alert(alert("brute_force_login", Severity::kMedium, "185.220.101.50"), "a1");  // too low
  s->on_alert(alert("sql_injection", Severity::kHigh, "185.220.101.51"), "a2");        // not listed
  s->on_alert(alert("threat_intel_match", Severity::kHigh, "185.220.101.52"), "a3");   // a loop
  s->on_alert(alert("port_scan", Severity::kCritical, "not an ip"), "a4");
  s->on_alert(alert("port_scan", Severity::kCritical, "2001:67c:2e8::1"), "a5");
  s->apply_internal();
  EXPECT_EQ(s->store()->size(), 1u);
  auto v6 = s->lookup("2001:67c:2e8::1", std::nullopt);
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->severity, Severity::kCritical);
  EXPECT_EQ(v6->matches[0].reference, "alert:a5");
  // Its lifetime is intel.internal.lifetime.
  EXPECT_NEAR(
      static_cast<double>(v6->matches[0].valid_until.micros - Timestamp::now().micros) / 1e6,
      static_cast<double>(config.internal.lifetime_s), 5.0);
}

// Anomalies (behaviour baselines, ML) do not make their address an
// indicator unless intel.internal.rules names them; rule detections do. The
// kind is the alert's `detector`, not its tags: a rule tagged `ueba` is a rule.
TEST_F(IntelServiceTest, AnomalyAlertsFeedInternalIntelOnlyWhenListed) {
  const auto alert = [](std::string rule, DetectorKind kind, std::string tag, std::string ip) {
    Alert a;
    a.rule = std::move(rule);
    a.severity = Severity::kHigh;
    a.time = Timestamp::now();
    a.tags = {std::move(tag)};
    a.detector = kind;
    a.entity.source_ip = std::move(ip);
    return a;
  };
  const auto kRule = DetectorKind::kRule;
  {
    IntelConfig config;
    auto s = service(config, false);
    s->on_alert(alert("impossible_travel", DetectorKind::kBehavior, "ueba", "185.220.101.60"),
                "b1");
    s->on_alert(alert("ml_anomaly", DetectorKind::kMl, "ml", "185.220.101.61"), "b2");
    s->on_alert(alert("brute_force_success", kRule, "attack.credential_access", "185.220.101.62"),
                "b3");
    s->on_alert(alert("ueba_named_rule", kRule, "ueba", "185.220.101.64"), "b5");
    s->apply_internal();
    EXPECT_FALSE(s->lookup("185.220.101.60", std::nullopt));
    EXPECT_FALSE(s->lookup("185.220.101.61", std::nullopt));
    EXPECT_TRUE(s->lookup("185.220.101.62", std::nullopt));
    EXPECT_TRUE(s->lookup("185.220.101.64", std::nullopt));
  }
  IntelConfig config;  // same data dir: the first service's indicators are still there
  config.internal.rules = {"impossible_travel"};
  auto s = service(config, false);
  s->on_alert(alert("impossible_travel", DetectorKind::kBehavior, "ueba", "185.220.101.63"), "b4");
  s->apply_internal();
  EXPECT_TRUE(s->lookup("185.220.101.63", std::nullopt));
}

// Internal indicators queued together are applied as one batch: repeats of an
// address (in the batch, or held from before) keep the earliest sighting and
// the highest severity, and each address is one indicator.
TEST_F(IntelServiceTest, InternalIndicatorsMergeRepeatsWithinAndAcrossBatches) {
  IntelConfig config;
  auto s = service(config, false);
  const auto alert = [](Severity sev, int64_t minute, std::string ip) {
    Alert a;
    a.rule = "brute_force_success";
    a.severity = sev;
    a.time = Timestamp{1'764'000'000'000'000 + minute * 60'000'000};
    a.entity.source_ip = std::move(ip);
    return a;
  };
  s->on_alert(alert(Severity::kHigh, 5, "185.220.101.70"), "c1");
  s->apply_internal();
  s->on_alert(alert(Severity::kCritical, 9, "185.220.101.70"), "c2");
  s->on_alert(alert(Severity::kHigh, 7, "185.220.101.70"), "c3");
  s->on_alert(alert(Severity::kHigh, 8, "185.220.101.71"), "c4");
  s->apply_internal();
  EXPECT_EQ(s->store()->size(), 2u);
  auto hit = s->lookup("185.220.101.70", std::nullopt);
  ASSERT_TRUE(hit);
  ASSERT_EQ(hit->matches.size(), 1u);
  EXPECT_EQ(hit->severity, Severity::kCritical);
  EXPECT_EQ(hit->matches[0].first_seen, alert(Severity::kHigh, 5, "").time);
  EXPECT_EQ(hit->matches[0].reference, "alert:c3");  // the last one queued
}

}  // namespace
}  // namespace vigil::intel
