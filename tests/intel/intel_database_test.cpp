#include "intel/intel_database.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "support/test_data.h"

namespace vigil::intel {
namespace {

constexpr Timestamp kNow{1'700'000'000'000'000};
constexpr int64_t kDayMicros = 86'400'000'000;

Indicator make(std::string value, int64_t days_left) {
  auto n = normalize_indicator(value);
  Indicator i;
  i.value = n->value;
  i.type = n->type;
  i.include_subdomains = n->include_subdomains;
  i.severity = Severity::kHigh;
  i.confidence = 75;
  i.first_seen = Timestamp{kNow.micros - kDayMicros};
  i.last_seen = kNow;
  i.valid_until = Timestamp{kNow.micros + days_left * kDayMicros};
  i.tags = {"c2", "emotet"};
  i.description = "d";
  i.reference = "https://ref.example/1";
  return i;
}

class IntelDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::make_temp_dir("intel_db"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path file() const { return dir_ / kIntelDbFile; }
  std::filesystem::path dir_;
};

TEST_F(IntelDatabaseTest, RestartKeepsEveryIndicatorWithAllFields) {
  const std::vector<Indicator> a = {make("1.2.3.4", 5), make("*.evil.example", 5),
                                    make("2001:db8:1::/48", 5)};
  {
    auto db = IntelDatabase::open(file());
    ASSERT_TRUE(db) << db.error().message;
    ASSERT_TRUE(db->replace_source("a", a));
    ASSERT_TRUE(db->replace_source("b", {make(std::string(64, 'c'), 5)}));
  }
  auto db = IntelDatabase::open(file());
  ASSERT_TRUE(db);
  IndicatorStore store(Allowlist{});
  auto n = db->load_into(store);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 4u);
  EXPECT_EQ(store.size(), 4u);
  auto r = store.lookup("x.evil.example", std::nullopt, kNow);
  ASSERT_TRUE(r);
  const Indicator& got = r->matches.at(0);
  EXPECT_EQ(got.source, "a");
  EXPECT_TRUE(got.include_subdomains);
  EXPECT_EQ(got.severity, Severity::kHigh);
  EXPECT_EQ(got.confidence, 75);
  EXPECT_EQ(got.first_seen, a[1].first_seen);
  EXPECT_EQ(got.last_seen, a[1].last_seen);
  EXPECT_EQ(got.valid_until, a[1].valid_until);
  EXPECT_EQ(got.tags, a[1].tags);
  EXPECT_EQ(got.description, "d");
  EXPECT_EQ(got.reference, "https://ref.example/1");
  EXPECT_TRUE(store.lookup("2001:db8:1::9", std::nullopt, kNow));
}

// `vigil intel lookup` loads only the rows that could match a value (one
// indexed query per candidate: the value, a domain's parents, every covering
// prefix): its answers agree with those of a store holding every row, and it
// holds far fewer rows. Also a packed feed written whole (a feed import).
TEST_F(IntelDatabaseTest, CandidateRowsAnswerLikeTheWholeStore) {
  auto db = IntelDatabase::open(file());
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->replace_source(
      "a", {make("185.220.101.5", 5), make("185.220.0.0/16", 5), make("*.evil.example", 5),
            make("https://evil.example/x", 5), make("2a0e:1c80::/29", 5),
            make(std::string(64, 'c'), 5), make("stale.example", -1)}));
  PackedFeed::Builder b("b");
  for (const char* v : {"185.220.101.0/24", "deep.evil.example", "185.220.101.5", "8.8.8.8"}) {
    b.add(make(v, 5));
  }
  for (int i = 0; i < 500; ++i) b.add(make(fmt::format("noise{}.example", i), 5));
  ASSERT_TRUE(db->replace_source(*b.finish()));
  IndicatorStore all;
  ASSERT_EQ(*db->load_into(all), 511u);
  for (const char* q :
       {"185.220.101.5", "185.220.101.77", "185.220.9.9", "185.221.0.1", "x.deep.evil.example",
        "evil.example", "other.example", "stale.example", "https://EVIL.example:443/x",
        "2a0e:1c80::1", "8.8.8.8", "noise7.example"}) {
    IndicatorStore few;
    const auto loaded = db->load_candidates(q, few);
    ASSERT_TRUE(loaded) << q;
    EXPECT_LE(*loaded, 6u) << q;
    const auto want = all.lookup(q, std::nullopt, kNow);
    const auto got = few.lookup(q, std::nullopt, kNow);
    ASSERT_EQ(want.has_value(), got.has_value()) << q;
    if (!want) continue;
    EXPECT_EQ(got->sources, want->sources) << q;
    EXPECT_EQ(got->matches.size(), want->matches.size()) << q;
    EXPECT_EQ(got->severity, want->severity) << q;
  }
  // 185.220.101.5 is listed by a and b, and covered by a's /16 and b's /24.
  IndicatorStore one;
  EXPECT_EQ(*db->load_candidates("185.220.101.5", one), 4u);
  EXPECT_FALSE(db->load_candidates("not a value at all", one));
}

TEST_F(IntelDatabaseTest, ReplaceSourceLeavesOtherSources) {
  auto db = IntelDatabase::open(file());
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->replace_source("a", {make("1.1.1.1", 5), make("2.2.2.2", 5)}));
  ASSERT_TRUE(db->replace_source("b", {make("2.2.2.2", 5)}));
  ASSERT_TRUE(db->replace_source("a", {make("3.3.3.3", 5)}));
  IndicatorStore store;
  EXPECT_EQ(*db->load_into(store), 2u);
  EXPECT_FALSE(store.lookup("1.1.1.1", std::nullopt, kNow));
  EXPECT_EQ(store.lookup("2.2.2.2", std::nullopt, kNow)->sources, std::vector<std::string>{"b"});
}

TEST_F(IntelDatabaseTest, PurgeRemovesExpiredFromFileAndMemory) {
  auto db = IntelDatabase::open(file());
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->replace_source("a", {make("1.1.1.1", -1), make("2.2.2.2", 5)}));
  IndicatorStore store;
  ASSERT_TRUE(db->load_into(store));
  EXPECT_EQ(*db->delete_expired(kNow), 1u);
  EXPECT_EQ(store.purge_expired(kNow), 1u);
  IndicatorStore reloaded;
  EXPECT_EQ(*db->load_into(reloaded), 1u);
  EXPECT_TRUE(reloaded.lookup("2.2.2.2", std::nullopt, kNow));
}

}  // namespace
}  // namespace vigil::intel
