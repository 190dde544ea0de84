// The TAXII 2.1 client against a double of the OASIS reference server
// (medallion) serving its own test data (../shared/data/ti/taxii): discovery,
// API roots, collections, objects with limit/next paging ending in
// more:false, added_after, match[type], match[version], manifest, 401
// without credentials, 406 without the TAXII media type, 404 for unknown
// collections. Expected indicators are computed from the data file here.
#include <gtest/gtest.h>

#include <cstdlib>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/timestamp.h"
#include "feed_server.h"
#include "intel/intel_service.h"
#include "support/test_data.h"

namespace vigil::intel {
namespace {

using json = nlohmann::json;
using testing_util::FeedServer;

constexpr const char* kUser = "admin";
constexpr const char* kPasswordEnv = "VIGIL_TEST_TAXII_PASSWORD";
constexpr const char* kPassword = "Password0";
constexpr const char* kMedia = "application/taxii+json;version=2.1";

Timestamp when(const std::string& s) {
  return parse_iso8601(s).value_or(Timestamp{});
}

class TaxiiDouble {
 public:
  explicit TaxiiDouble(json data) : data_(std::move(data)) {
    auto& s = http_.server();
    s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      // basic admin:Password0
      if (req.get_header_value("Authorization") != "Basic YWRtaW46UGFzc3dvcmQw") {
        res.status = 401;
        res.set_header("WWW-Authenticate", "Basic realm=\"taxii\"");
        return httplib::Server::HandlerResponse::Handled;
      }
      if (req.get_header_value("Accept").find(kMedia) == std::string::npos) {
        res.status = 406;
        return httplib::Server::HandlerResponse::Handled;
      }
      return httplib::Server::HandlerResponse::Unhandled;
    });
    s.Get("/taxii2/", [this](const httplib::Request&, httplib::Response& res) {
      json d = data_["/discovery"];
      d["default"] = rebase(d["default"]);
      for (auto& r : d["api_roots"]) r = rebase(r);
      reply(res, d);
    });
    s.Get(R"(/(\w+)/)", [this](const httplib::Request& req, httplib::Response& res) {
      if (!data_.contains(req.matches[1].str()) || req.matches[1] == "taxii2") return notfound(res);
      reply(res, data_[req.matches[1].str()]["information"]);
    });
    s.Get(R"(/(\w+)/collections/)", [this](const httplib::Request& req, httplib::Response& res) {
      if (!data_.contains(req.matches[1].str())) return notfound(res);
      json list = json::array();
      for (const auto& c : data_[req.matches[1].str()]["collections"]) list.push_back(info(c));
      reply(res, {{"collections", list}});
    });
    s.Get(R"(/(\w+)/collections/([\w-]+)/(objects|manifest)/)",
          [this](const httplib::Request& req, httplib::Response& res) { objects(req, res); });
  }

  std::string discovery() const { return http_.url("/taxii2/"); }
  void hide_after(std::string cutoff) { cutoff_ = std::move(cutoff); }
  std::vector<std::string> added_after_seen() {
    std::lock_guard lock(mu_);
    return added_after_;
  }
  size_t object_requests() {
    std::lock_guard lock(mu_);
    return object_requests_;
  }

 private:
  static void reply(httplib::Response& res, const json& body) {
    res.set_content(body.dump(), kMedia);
  }
  static void notfound(httplib::Response& res) {
    res.status = 404;
    res.set_content(R"({"title":"Not found"})", kMedia);
  }
  std::string rebase(const json& url) const {
    std::string u = url.get<std::string>();
    const std::string old = "http://localhost:5000";
    return u.starts_with(old) ? http_.base() + u.substr(old.size()) : u;
  }
  static json info(const json& c) {
    json i = c;
    i.erase("objects");
    i.erase("manifest");
    return i;
  }
  const json* collection(const std::string& root, const std::string& id) const {
    if (!data_.contains(root)) return nullptr;
    for (const auto& c : data_[root]["collections"])
      if (c["id"] == id) return &c;
    return nullptr;
  }

  void objects(const httplib::Request& req, httplib::Response& res) {
    const json* c = collection(req.matches[1], req.matches[2]);
    if (c == nullptr) return notfound(res);
    if (!c->value("can_read", false)) {
      res.status = 403;
      return;
    }
    const std::string added_after = req.get_param_value("added_after");
    {
      std::lock_guard lock(mu_);
      ++object_requests_;
      if (req.matches[3] == "objects") added_after_.push_back(added_after);
    }
    // Visible manifest entries, oldest first, then the version filter.
    std::vector<json> entries;
    for (const auto& m : (*c)["manifest"]) {
      const Timestamp added = when(m["date_added"]);
      if (!cutoff_.empty() && added > when(cutoff_)) continue;
      if (!added_after.empty() && added <= when(added_after)) continue;
      const std::string id = m["id"];
      if (req.has_param("match[type]") &&
          id.substr(0, id.find("--")) != req.get_param_value("match[type]"))
        continue;
      entries.push_back(m);
    }
    const std::string versions =
        req.has_param("match[version]") ? req.get_param_value("match[version]") : "last";
    if (versions != "all") {
      std::map<std::string, json> pick;
      for (const auto& m : entries) {
        auto [it, fresh] = pick.try_emplace(m["id"], m);
        const bool later = when(m["version"]) > when(it->second["version"]);
        if (!fresh && (versions == "last" ? later : !later)) it->second = m;
      }
      std::vector<json> kept;
      for (const auto& m : entries)
        if (pick[m["id"]] == m) kept.push_back(m);
      entries = kept;
    }
    std::stable_sort(entries.begin(), entries.end(), [](const json& a, const json& b) {
      return when(a["date_added"]) < when(b["date_added"]);
    });
    const size_t limit = req.has_param("limit") ? std::stoul(req.get_param_value("limit")) : 100;
    const size_t start = req.has_param("next") ? std::stoul(req.get_param_value("next")) : 0;
    const size_t end = std::min(entries.size(), start + limit);
    json page = json::array();
    for (size_t i = start; i < end; ++i) {
      if (req.matches[3] == "manifest") {
        page.push_back(entries[i]);
        continue;
      }
      for (const auto& o : (*c)["objects"]) {
        if (o["id"] == entries[i]["id"] &&
            o.value("modified", o.value("created", "")) == entries[i]["version"]) {
          page.push_back(o);
        }
      }
    }
    json body = {{"more", end < entries.size()}};
    if (end < entries.size()) body["next"] = std::to_string(end);
    body["objects"] = page;  // manifest entries or STIX objects
    if (start < end) {
      res.set_header("X-TAXII-Date-Added-First", entries[start]["date_added"].get<std::string>());
      res.set_header("X-TAXII-Date-Added-Last", entries[end - 1]["date_added"].get<std::string>());
    }
    reply(res, body);
  }

  json data_;
  FeedServer http_;
  std::string cutoff_;
  std::mutex mu_;
  std::vector<std::string> added_after_;
  size_t object_requests_ = 0;
};

// The newest version's quoted value of every indicator in the collection
// visible up to `cutoff` (all when empty), straight from the data file.
std::set<std::string> expected_values(const json& data, const std::string& cutoff) {
  const json& c = data["trustgroup1"]["collections"][2];
  std::map<std::string, std::pair<Timestamp, std::string>> newest;
  for (const auto& m : c["manifest"]) {
    if (!cutoff.empty() && when(m["date_added"]) > when(cutoff)) continue;
    for (const auto& o : c["objects"]) {
      if (o["type"] != "indicator" || o["id"] != m["id"] || o["modified"] != m["version"]) continue;
      const std::string pattern = o["pattern"];
      // The last quoted string: "[file:hashes.'SHA-256' = '…']" quotes the algorithm too.
      const size_t end = pattern.rfind('\'');
      const size_t begin = pattern.rfind('\'', end - 1) + 1;
      const std::string value = pattern.substr(begin, end - begin);
      auto& slot = newest[o["id"]];
      if (when(o["modified"]) >= slot.first) slot = {when(o["modified"]), value};
    }
  }
  std::set<std::string> out;
  for (const auto& [id, v] : newest) out.insert(v.second);
  return out;
}

class TaxiiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = vigil::testing::make_temp_dir("taxii");
    setenv(kPasswordEnv, kPassword, 1);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  IntelFeedConfig feed(const std::string& discovery, const std::string& collection) {
    IntelFeedConfig f;
    f.name = "taxii";
    f.type = "taxii";
    f.location = discovery;
    f.collection = collection;
    f.username = kUser;
    f.password_env = kPasswordEnv;
    f.page_size = 2;
    f.timeout_s = 5;
    return f;
  }
  std::unique_ptr<IntelService> service(const IntelFeedConfig& f) {
    IntelConfig config;
    config.feeds.push_back(f);
    auto s = IntelService::create(config, {.data_dir = dir_.string(), .feeds = false});
    EXPECT_TRUE(s) << s.error().message;
    return std::move(*s);
  }
  std::filesystem::path dir_;
};

TEST_F(TaxiiTest, PollsTheCollectionWithPagingAndKeepsTheNewestVersions) {
  VIGIL_REQUIRE_DATA(file, "ti/taxii/medallion-default_data.json");
  const json data = json::parse(vigil::testing::read_file(file));
  TaxiiDouble taxii(data);
  auto s = service(feed(taxii.discovery(), "High Value Indicator Collection"));
  ASSERT_TRUE(s->refresh("taxii")) << s->feeds()[0].last_error;
  const auto expected = expected_values(data, "");
  ASSERT_EQ(expected.size(), 2u);
  EXPECT_EQ(s->store()->size(), expected.size());
  for (const auto& v : expected) EXPECT_TRUE(s->lookup(v, std::nullopt)) << v;
  EXPECT_FALSE(s->lookup("http://z4z10farb.cn/4712", std::nullopt)) << "an older version";
  // Latest versions of 5 distinct ids at 2 per page: 3 object requests.
  EXPECT_EQ(taxii.object_requests(), 3u);
  EXPECT_EQ(taxii.added_after_seen().front(), "");
}

TEST_F(TaxiiTest, IncrementalPollsSendAddedAfterAndApplyNewVersions) {
  VIGIL_REQUIRE_DATA(file, "ti/taxii/medallion-default_data.json");
  const json data = json::parse(vigil::testing::read_file(file));
  TaxiiDouble taxii(data);
  const std::string cutoff = "2016-11-04T00:00:00Z";
  taxii.hide_after(cutoff);
  auto s = service(feed(taxii.discovery(), "91a7b528-80eb-42ed-a74d-c6fbd5a26116"));
  ASSERT_TRUE(s->refresh("taxii")) << s->feeds()[0].last_error;
  const auto early = expected_values(data, cutoff);
  EXPECT_EQ(s->store()->size(), early.size());
  EXPECT_TRUE(s->lookup("http://z4z10farb.cn/4712", std::nullopt));

  // The cursor is the last date_added the server reported.
  std::string last_added;
  for (const auto& m : data["trustgroup1"]["collections"][2]["manifest"]) {
    if (when(m["date_added"]) <= when(cutoff) && when(m["date_added"]) > when(last_added))
      last_added = m["date_added"].get<std::string>();
  }
  taxii.hide_after("");
  ASSERT_TRUE(s->refresh("taxii")) << s->feeds()[0].last_error;
  EXPECT_EQ(taxii.added_after_seen().back(), last_added);
  const auto all = expected_values(data, "");
  EXPECT_EQ(s->store()->size(), all.size());
  for (const auto& v : all) EXPECT_TRUE(s->lookup(v, std::nullopt)) << v;
  EXPECT_FALSE(s->lookup("http://z4z10farb.cn/4712", std::nullopt)) << "replaced by a new version";

  ASSERT_TRUE(s->refresh("taxii"));  // nothing new
  EXPECT_TRUE(s->feeds()[0].not_modified);
  EXPECT_EQ(s->store()->size(), all.size());
}

TEST_F(TaxiiTest, RefusalsAreFeedFailures) {
  VIGIL_REQUIRE_DATA(file, "ti/taxii/medallion-default_data.json");
  TaxiiDouble taxii(json::parse(vigil::testing::read_file(file)));
  auto unknown = service(feed(taxii.discovery(), "no such collection"));
  EXPECT_FALSE(unknown->refresh("taxii"));
  EXPECT_NE(unknown->feeds()[0].last_error.find("no TAXII collection"), std::string::npos);
  unknown.reset();
  auto secret = service(feed(taxii.discovery(), "Secret Indicators"));
  EXPECT_FALSE(secret->refresh("taxii"));
  EXPECT_NE(secret->feeds()[0].last_error.find("not readable"), std::string::npos);
  secret.reset();
  setenv(kPasswordEnv, "wrong", 1);
  auto denied = service(feed(taxii.discovery(), "High Value Indicator Collection"));
  EXPECT_FALSE(denied->refresh("taxii"));
  EXPECT_NE(denied->feeds()[0].last_error.find("HTTP 401"), std::string::npos)
      << denied->feeds()[0].last_error;
  // The double refuses clients that do not ask for TAXII 2.1.
  httplib::Client plain(taxii.discovery().substr(0, taxii.discovery().size() - 8));
  plain.set_basic_auth(kUser, kPassword);
  auto r = plain.Get("/taxii2/", {{"Accept", "application/json"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 406);
}

}  // namespace
}  // namespace vigil::intel
