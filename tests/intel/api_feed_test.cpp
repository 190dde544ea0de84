// The `api` feed type against a loopback double of ThreatFox's JSON API
// serving the real records of ../shared/data/ti/feeds/abusech/
// threatfox_api_head4.ndjson: POST with a body and an auth header from the
// environment, the list at /data, fields mapped in config, paging by a page
// parameter or a next link. Expected values are derived from the file here.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "feed_server.h"
#include "intel/intel_service.h"
#include "support/test_data.h"

namespace vigil::intel {
namespace {

using json = nlohmann::json;
using testing_util::FeedServer;

constexpr const char* kKeyEnv = "VIGIL_TEST_THREATFOX_KEY";

std::vector<json> records(const std::filesystem::path& file) {
  std::vector<json> out;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(json::parse(line));
  return out;
}

// ioc without the port of ip:port records, and the highest confidence per value.
std::map<std::string, int> expected(const std::vector<json>& recs) {
  std::map<std::string, int> out;
  for (const auto& r : recs) {
    std::string v = r["ioc"];
    if (r["ioc_type"] == "ip:port") v = v.substr(0, v.rfind(':'));
    out[v] = std::max(out[v], r["confidence_level"].get<int>());
  }
  return out;
}

IntelFeedConfig threatfox(const std::string& location) {
  IntelFeedConfig f;
  f.name = "threatfox";
  f.type = "api";
  f.location = location;
  f.method = "POST";
  f.body = R"({"query":"get_iocs","days":1})";
  f.auth_header = "Auth-Key";
  f.auth_env = kKeyEnv;
  f.items = "/data";
  f.fields = {{"value", "ioc"},
              {"type", "ioc_type"},
              {"confidence", "confidence_level"},
              {"tags", "tags"},
              {"first_seen", "first_seen"},
              {"last_seen", "last_seen"},
              {"reference", "reference"},
              {"description", "/malware_printable"}};
  f.timeout_s = 5;
  return f;
}

class ApiFeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = vigil::testing::make_temp_dir("api_feed");
    setenv(kKeyEnv, "s3cret", 1);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::unique_ptr<IntelService> service(const IntelFeedConfig& f) {
    IntelConfig config;
    config.feeds.push_back(f);
    auto s = IntelService::create(config, {.data_dir = dir_.string(), .feeds = false});
    EXPECT_TRUE(s) << s.error().message;
    return std::move(*s);
  }
  void check(IntelService& s, const std::vector<json>& recs) {
    const auto want = expected(recs);
    EXPECT_EQ(s.store()->size(), want.size());
    EXPECT_EQ(s.feeds()[0].records, recs.size());
    for (const auto& [value, confidence] : want) {
      auto r = s.lookup(value, std::nullopt);
      ASSERT_TRUE(r) << value;
      EXPECT_EQ(r->confidence, confidence) << value;
      EXPECT_EQ(r->sources, std::vector<std::string>{"threatfox"});
    }
  }
  std::filesystem::path dir_;
};

TEST_F(ApiFeedTest, PostWithAuthAndPageParameter) {
  VIGIL_REQUIRE_DATA(file, "ti/feeds/abusech/threatfox_api_head4.ndjson");
  const auto recs = records(file);
  FeedServer api;
  std::vector<int> pages;
  api.server().Post("/api/v1/", [&](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Auth-Key") != "s3cret") {
      res.status = 401;
      return;
    }
    if (json::parse(req.body, nullptr, false).value("query", "") != "get_iocs") {
      res.status = 400;
      return;
    }
    const int page = std::stoi(req.get_param_value("page"));
    pages.push_back(page);
    json data = json::array();
    for (size_t i = (page - 1) * 3; i < recs.size() && i < size_t(page) * 3; ++i)
      data.push_back(recs[i]);
    res.set_content(json{{"query_status", data.empty() ? "no_result" : "ok"},
                         {"data", data.empty() ? json() : data}}
                        .dump(),
                    "application/json");
  });
  IntelFeedConfig f = threatfox(api.url("/api/v1/"));
  f.page_param = "page";
  auto s = service(f);
  ASSERT_TRUE(s->refresh("threatfox")) << s->feeds()[0].last_error;
  check(*s, recs);
  EXPECT_EQ(pages, (std::vector<int>{1, 2, 3}));  // 3 + 1 records, then an empty page
  auto ip = s->lookup("81.2.69.142", std::nullopt);
  ASSERT_TRUE(ip);
  // Tags of both records for the same IP, and their first_seen (ThreatFox's "… UTC").
  EXPECT_EQ(ip->tags, (std::vector<std::string>{"RedLineStealer", "asyncrat"}));
  EXPECT_EQ(format_rfc3339(ip->first_seen), "2022-08-05T11:10:13.000000Z");

  setenv(kKeyEnv, "wrong", 1);
  EXPECT_FALSE(s->refresh("threatfox"));
  EXPECT_NE(s->feeds()[0].last_error.find("HTTP 401"), std::string::npos);
  EXPECT_EQ(s->store()->size(), expected(recs).size()) << "last good data kept";
  unsetenv(kKeyEnv);
  EXPECT_FALSE(s->refresh("threatfox"));
  EXPECT_NE(s->feeds()[0].last_error.find(kKeyEnv), std::string::npos);
}

TEST_F(ApiFeedTest, GetWithNextLinks) {
  VIGIL_REQUIRE_DATA(file, "ti/feeds/abusech/threatfox_api_head4.ndjson");
  const auto recs = records(file);
  FeedServer api;
  api.server().Get("/iocs", [&](const httplib::Request& req, httplib::Response& res) {
    const size_t i = req.has_param("cursor") ? std::stoul(req.get_param_value("cursor")) : 0;
    json body = {{"result", {{"items", json::array({recs[i]})}}}};
    if (i + 1 < recs.size()) body["links"]["next"] = "/iocs?cursor=" + std::to_string(i + 1);
    res.set_content(body.dump(), "application/json");
  });
  IntelFeedConfig f = threatfox(api.url("/iocs"));
  f.method = "GET";
  f.body.clear();
  f.items = "/result/items";
  f.next_link = "/links/next";
  auto s = service(f);
  ASSERT_TRUE(s->refresh("threatfox")) << s->feeds()[0].last_error;
  check(*s, recs);
}

TEST_F(ApiFeedTest, AFileOfRecordsAndBadReplies) {
  VIGIL_REQUIRE_DATA(file, "ti/feeds/abusech/threatfox_api_head4.ndjson");
  auto s = service(threatfox(file.string()));  // NDJSON, one record per line
  ASSERT_TRUE(s->refresh("threatfox")) << s->feeds()[0].last_error;
  check(*s, records(file));
  s.reset();
  FeedServer api;
  api.server().Post("/broken", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"query_status":"ok","data":{"not":"a list"}})", "application/json");
  });
  auto broken = service(threatfox(api.url("/broken")));
  EXPECT_FALSE(broken->refresh("threatfox"));
  EXPECT_NE(broken->feeds()[0].last_error.find("not a list"), std::string::npos);
  EXPECT_GT(broken->store()->size(), 0u) << "what the earlier run stored is kept";
}

}  // namespace
}  // namespace vigil::intel
