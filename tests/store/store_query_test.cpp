// query(): filters, order, paging across days, cursors. Every test runs with posting
// blocks of 3 events (most events found through posting lists, plus a short tail) and
// with the default block size (everything in the unindexed tail).
#include "store/query_cursor.h"
#include "store_test_util.h"

namespace vigil::store {
namespace {

using testing::at;
using testing::make_event;
using testing::query_all;
using testing::TempDir;

class StoreQuery : public ::testing::TestWithParam<size_t> {
 protected:
  void SetUp() override {
    SqliteStoreOptions options;
    options.block_events = GetParam();
    store_ = testing::open_store(dir_.path(), options);
    ASSERT_NE(store_, nullptr);
  }
  void write(const std::vector<StoredEvent>& batch) {
    auto r = store_->write(batch);
    ASSERT_TRUE(r) << r.error().message;
  }
  // A small fixed data set over two days.
  void write_sample() {
    const Timestamp d1 = at(2024, 3, 1, 10);
    const Timestamp d2 = at(2024, 3, 2, 10);
    write({
        make_event(1, d1, "login", "alice", "10.0.0.0", Severity::kInfo),
        make_event(2, Timestamp{d1.micros + 1}, "login", "bob", "10.0.1.0", Severity::kHigh),
        make_event(3, Timestamp{d1.micros + 2}, "logout", "alice", "10.0.0.0", Severity::kLow),
        make_event(4, d2, "file_access", "carol", "", Severity::kCritical),
    });
    write({
        make_event(5, Timestamp{d2.micros + 5}, "login", "alice", "10.0.1.0", Severity::kMedium),
        make_event(6, Timestamp{d1.micros - 5}, "", "", "10.0.0.0", Severity::kInfo),  // late
        make_event(7, Timestamp{d2.micros + 6}, "login", "bob", "10.0.0.0", Severity::kHigh),
    });
  }
  TempDir dir_;
  std::unique_ptr<SqliteEventStore> store_;
};

TEST_P(StoreQuery, RoundTripNewestFirst) {
  write_sample();
  auto page = store_->query({});
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->events_json.size(), 7u);
  // The row's columns come back as vigil's facts, the document's last member.
  const Timestamp time{at(2024, 3, 2, 10).micros + 6};
  EXPECT_EQ(page->events_json[0],
            fmt::format(R"({{"seq":7,"time":{},"vigil":{{"severity":"high","time_source":"event",)"
                        R"("received":"2024-03-02T10:00:00.001006Z"}}}})",
                        time.micros));
  EXPECT_TRUE(page->next_cursor.empty());
  EXPECT_EQ(query_all(*store_, {}), (std::vector<int>{7, 5, 4, 3, 2, 1, 6}));
}

TEST_P(StoreQuery, EachFilter) {
  write_sample();
  EventQuery q;
  q.event_type = "login";
  EXPECT_EQ(query_all(*store_, q), (std::vector<int>{7, 5, 2, 1}));
  q = {};
  q.user = "alice";
  EXPECT_EQ(query_all(*store_, q), (std::vector<int>{5, 3, 1}));
  q = {};
  q.source_ip = "10.0.0.0";
  EXPECT_EQ(query_all(*store_, q), (std::vector<int>{7, 3, 1, 6}));
  q = {};
  q.min_severity = Severity::kHigh;
  EXPECT_EQ(query_all(*store_, q), (std::vector<int>{7, 4, 2}));
  q.min_severity = Severity::kInfo;
  EXPECT_EQ(query_all(*store_, q).size(), 7u);
  q = {};
  q.user = "nobody";
  EXPECT_TRUE(query_all(*store_, q).empty());
}

TEST_P(StoreQuery, FiltersCombine) {
  write_sample();
  EventQuery q;
  q.event_type = "login";
  q.source_ip = "10.0.0.0";
  EXPECT_EQ(query_all(*store_, q), (std::vector<int>{7, 1}));
  q.min_severity = Severity::kMedium;
  EXPECT_EQ(query_all(*store_, q), (std::vector<int>{7}));
  q = {};
  q.user = "alice";
  q.min_severity = Severity::kLow;
  EXPECT_EQ(query_all(*store_, q), (std::vector<int>{5, 3}));
}

TEST_P(StoreQuery, TimeRangeIsFromInclusiveToExclusive) {
  write_sample();
  const Timestamp d1 = at(2024, 3, 1, 10);
  EventQuery q;
  q.from = Timestamp{d1.micros + 1};
  q.to = Timestamp{at(2024, 3, 2, 10).micros + 5};
  EXPECT_EQ(query_all(*store_, q), (std::vector<int>{4, 3, 2}));
  q.from = at(2024, 3, 2);  // exactly midnight: only the second day
  q.to = std::nullopt;
  EXPECT_EQ(query_all(*store_, q), (std::vector<int>{7, 5, 4}));
  q.from = std::nullopt;
  q.to = at(2024, 3, 2);
  q.user = "alice";
  EXPECT_EQ(query_all(*store_, q), (std::vector<int>{3, 1}));
  q = {};
  q.from = at(2024, 3, 5);
  q.to = at(2024, 3, 1);
  EXPECT_TRUE(query_all(*store_, q).empty());
}

TEST_P(StoreQuery, PagesAcrossThreeDaysSeeEveryEventOnceNewestFirst) {
  constexpr int kPerDay = 40;
  std::vector<StoredEvent> batch;
  int seq = 0;
  for (int day = 1; day <= 3; ++day) {
    for (int i = 0; i < kPerDay; ++i) {
      batch.push_back(make_event(seq++, at(2024, 3, day, 0, 0, i * 7)));
      if (batch.size() == 11) {  // batches that straddle days
        write(batch);
        batch.clear();
      }
    }
  }
  write(batch);
  EventQuery q;
  q.limit = 7;  // smaller than a day, and not a divisor of it
  const auto seqs = query_all(*store_, q);
  std::vector<int> expected;
  for (int i = 3 * kPerDay - 1; i >= 0; --i) expected.push_back(i);
  EXPECT_EQ(seqs, expected);
}

TEST_P(StoreQuery, EqualTimesPageInReverseArrivalOrder) {
  // Second-granularity sources give many events the same time; the cursor must still
  // land between them.
  std::vector<StoredEvent> batch;
  for (int i = 0; i < 25; ++i) batch.push_back(make_event(i, at(2024, 3, 1, 8)));
  write({batch.begin(), batch.begin() + 12});
  write({batch.begin() + 12, batch.end()});
  EventQuery q;
  q.limit = 4;
  std::vector<int> expected;
  for (int i = 24; i >= 0; --i) expected.push_back(i);
  EXPECT_EQ(query_all(*store_, q), expected);
  q.user = "u1";
  EXPECT_EQ(query_all(*store_, q), expected);
}

TEST_P(StoreQuery, LimitIsCapped) {
  std::vector<StoredEvent> batch;
  for (int i = 0; i < 1100; ++i) batch.push_back(make_event(i, at(2024, 3, 1, 0, 0, 0, i)));
  write(batch);
  EventQuery q;
  q.limit = 5000;
  auto page = store_->query(q);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->events_json.size(), kMaxQueryLimit);
  EXPECT_FALSE(page->next_cursor.empty());
  q.limit = 0;
  page = store_->query(q);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->events_json.size(), kDefaultQueryLimit);
}

TEST_P(StoreQuery, BadCursorsAreInvalidInput) {
  write_sample();
  EventQuery q;
  q.limit = 2;
  auto first = store_->query(q);
  ASSERT_TRUE(first);
  const std::string good = first->next_cursor;
  ASSERT_FALSE(good.empty());

  std::string upper = good;
  upper[5] = upper[5] >= 'a' ? static_cast<char>(upper[5] - 32) : 'G';
  std::string wrong_day = good;
  wrong_day[17] = wrong_day[17] == '0' ? '1' : '0';  // low digit of the day field
  for (const std::string& bad :
       {std::string("nonsense"), good.substr(0, good.size() - 1), good + "0",
        std::string("x") + good.substr(1), upper, wrong_day, std::string(good.size(), '0')}) {
    q.cursor = bad;
    auto page = store_->query(q);
    ASSERT_FALSE(page) << bad;
    EXPECT_EQ(page.error().code, ErrorCode::kInvalidInput) << bad;
  }
  // A cursor continues only the query it came from.
  q.cursor = good;
  q.user = "alice";
  auto other = store_->query(q);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, ErrorCode::kInvalidInput);
  // Another page size is fine.
  q.user.clear();
  q.limit = 100;
  auto rest = store_->query(q);
  ASSERT_TRUE(rest);
  EXPECT_EQ(rest->events_json.size(), 5u);
}

INSTANTIATE_TEST_SUITE_P(BlockSizes, StoreQuery, ::testing::Values(3, 8192),
                         [](const auto& info) { return "block" + std::to_string(info.param); });

}  // namespace
}  // namespace vigil::store
