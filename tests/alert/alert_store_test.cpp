#include "alert/alert_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "support/test_data.h"

namespace vigil {
namespace {

AlertRecord record(std::string id, std::string rule, Severity s, int64_t first_s) {
  AlertRecord r;
  r.id = std::move(id);
  r.rule_name = std::move(rule);
  r.rule_id = "id-" + r.rule_name;
  r.severity = s;
  r.first_seen = Timestamp{first_s * 1'000'000};
  r.last_seen = r.first_seen;
  r.body_json = R"({"rule_name":")" + r.rule_name + R"("})";
  return r;
}

class AlertStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::make_temp_dir("vigil-alert-store");
    auto s = AlertStore::open(dir_);
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<AlertStore> store_;
};

TEST_F(AlertStoreTest, UpsertInsertsThenUpdatesCountsWithoutTouchingStatus) {
  ASSERT_TRUE(store_->upsert({record("a1", "brute", Severity::kHigh, 100)}));
  ASSERT_TRUE(store_->set_status("a1", AlertStatus::kAcknowledged));
  AlertRecord repeat = record("a1", "brute", Severity::kHigh, 100);
  repeat.count = 7;
  repeat.last_seen = Timestamp{160'000'000};
  ASSERT_TRUE(store_->upsert({repeat}));
  auto got = store_->get("a1");
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->count, 7u);
  EXPECT_EQ((*got)->last_seen, Timestamp{160'000'000});
  EXPECT_EQ((*got)->status, AlertStatus::kAcknowledged);
  const std::string json = alert_json(**got);
  EXPECT_NE(json.find(R"("status":"acknowledged")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("rule_name":"brute")"), std::string::npos) << json;
}

TEST_F(AlertStoreTest, QueriesFilterAndReturnNewestFirst) {
  ASSERT_TRUE(store_->upsert({record("a1", "brute", Severity::kHigh, 100),
                              record("a2", "sqli", Severity::kMedium, 200),
                              record("a3", "brute", Severity::kCritical, 300)}));
  auto all = store_->query({});
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id, "a3");
  EXPECT_EQ((*all)[2].id, "a1");

  AlertQuery by_rule;
  by_rule.rule = "brute";
  EXPECT_EQ(store_->query(by_rule)->size(), 2u);
  AlertQuery by_id;
  by_id.rule = "id-sqli";
  EXPECT_EQ(store_->query(by_id)->size(), 1u);

  AlertQuery high_up;
  high_up.min_severity = Severity::kHigh;
  EXPECT_EQ(store_->query(high_up)->size(), 2u);
  AlertQuery exactly_high;
  exactly_high.severity = Severity::kHigh;
  EXPECT_EQ(store_->query(exactly_high)->size(), 1u);

  AlertQuery window;
  window.from = Timestamp{150'000'000};
  window.to = Timestamp{300'000'000};
  auto in_window = store_->query(window);
  ASSERT_EQ(in_window->size(), 1u);
  EXPECT_EQ((*in_window)[0].id, "a2");

  AlertQuery limited;
  limited.limit = 2;
  EXPECT_EQ(store_->query(limited)->size(), 2u);
}

TEST_F(AlertStoreTest, StatusMovesForwardOnly) {
  ASSERT_TRUE(store_->upsert({record("a1", "r", Severity::kHigh, 1)}));
  EXPECT_TRUE(store_->set_status("a1", AlertStatus::kAcknowledged));
  EXPECT_TRUE(store_->set_status("a1", AlertStatus::kClosed));
  auto back = store_->set_status("a1", AlertStatus::kOpen);
  ASSERT_FALSE(back);
  EXPECT_EQ(back.error().code, ErrorCode::kInvalidInput);
  auto missing = store_->set_status("nope", AlertStatus::kClosed);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  AlertQuery closed;
  closed.status = AlertStatus::kClosed;
  EXPECT_EQ(store_->query(closed)->size(), 1u);
}

TEST_F(AlertStoreTest, ActiveThreatsAreOpenAlertsOfHighOrAbove) {
  ASSERT_TRUE(store_->upsert({record("a1", "r", Severity::kHigh, 1),
                              record("a2", "r", Severity::kCritical, 2),
                              record("a3", "r", Severity::kMedium, 3)}));
  EXPECT_EQ(*store_->count_active_threats(), 2);
  ASSERT_TRUE(store_->set_status("a2", AlertStatus::kClosed));
  EXPECT_EQ(*store_->count_active_threats(), 1);
}

TEST_F(AlertStoreTest, AlertsSurviveReopening) {
  ASSERT_TRUE(store_->upsert({record("a1", "r", Severity::kHigh, 1)}));
  store_.reset();
  auto reopened = AlertStore::open(dir_);
  ASSERT_TRUE(reopened);
  auto got = (*reopened)->get("a1");
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->rule_name, "r");
}

}  // namespace
}  // namespace vigil
