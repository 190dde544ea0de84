// The small persisted formats: posting lists, terms, cursors.
#include "store/posting_codec.h"

#include <gtest/gtest.h>

#include <map>

#include "store/day_file.h"
#include "store/posting_block.h"
#include "store/query_cursor.h"
#include "store/query_filter.h"

namespace vigil::store {
namespace {

TEST(StorePostingCodec, RoundTripsSortedLists) {
  const std::vector<Posting> in = {{-5, 1}, {-5, 2}, {0, 3}, {100, 2}, {100, 1000}, {1LL << 50, 7}};
  std::string blob;
  encode_postings(in, blob);
  std::vector<Posting> out;
  ASSERT_TRUE(decode_postings(blob, out));
  EXPECT_EQ(in, out);
}

TEST(StorePostingCodec, SmallDeltasTakeFewBytes) {
  std::vector<Posting> in;
  for (int i = 0; i < 1000; ++i) in.push_back({1'709'254'800'000'000 + i * 100, 5000 + i});
  std::string blob;
  encode_postings(in, blob);
  EXPECT_LT(blob.size(), 3 * in.size() + 16);
}

TEST(StorePostingCodec, RejectsCorruptBlobs) {
  std::string blob;
  encode_postings(std::vector<Posting>{{10, 1}, {20, 2}}, blob);
  std::vector<Posting> out;
  EXPECT_FALSE(decode_postings(blob.substr(0, blob.size() - 1), out));  // truncated
  EXPECT_FALSE(decode_postings(std::string(11, '\xff'), out));          // endless varint
  std::string not_increasing;
  encode_postings(std::vector<Posting>{{10, 5}}, not_increasing);
  not_increasing += std::string("\x00\x01", 2);  // same time, id - 1
  out.clear();
  EXPECT_FALSE(decode_postings(not_increasing, out));
}

TEST(StorePostingCodec, TermsSeparateFieldsAndAreStable) {
  EXPECT_NE(term_of(TermField::kUser, "alice"), term_of(TermField::kSourceIp, "alice"));
  EXPECT_NE(severity_term(Severity::kHigh), severity_term(Severity::kCritical));
  // Persisted: a change here makes existing files unsearchable.
  EXPECT_EQ(term_of(TermField::kUser, "alice"), -773583376316425594);
  EXPECT_EQ(all_term(), term_of(TermField::kAll, ""));
}

TEST(StorePostingBlock, GroupsTermsIntoSortedLists) {
  PostingBlock block;
  block.add(1, 300, Severity::kInfo, "login", "alice", "");
  block.add(2, 100, Severity::kHigh, "login", "bob", "10.0.0.0");  // late event
  block.add(3, 200, Severity::kHigh, "", "alice", "10.0.0.0");
  EXPECT_EQ(block.events(), 3u);
  EXPECT_EQ(block.first_id(), 1);
  EXPECT_EQ(block.last_id(), 3);
  EXPECT_EQ(block.min_time(), 100);
  EXPECT_EQ(block.max_time(), 300);
  std::map<int64_t, std::vector<Posting>> lists;
  ASSERT_TRUE(block.write_lists([&](int64_t term, std::string_view blob) -> Result<void> {
    EXPECT_TRUE(decode_postings(blob, lists[term]));
    return {};
  }));
  EXPECT_EQ(lists.size(), 6u);  // all, login, alice, bob, 10.0.0.0, high; no info, no ""
  EXPECT_EQ(lists[all_term()], (std::vector<Posting>{{100, 2}, {200, 3}, {300, 1}}));
  EXPECT_EQ(lists[term_of(TermField::kUser, "alice")], (std::vector<Posting>{{200, 3}, {300, 1}}));
  EXPECT_EQ(lists[severity_term(Severity::kHigh)], (std::vector<Posting>{{100, 2}, {200, 3}}));
  EXPECT_EQ(lists.count(term_of(TermField::kEventType, "")), 0u);
}

TEST(StoreCursor, RoundTripsAndRejectsInconsistentDays) {
  const int64_t day = days_from_civil(2024, 3, 1);
  const QueryCursor c{day, day * kMicrosPerDay + 5, 42, 0xfeedbeef};
  const std::string text = encode_cursor(c);
  auto back = decode_cursor(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->day, c.day);
  EXPECT_EQ(back->time, c.time);
  EXPECT_EQ(back->id, c.id);
  EXPECT_EQ(back->fingerprint, c.fingerprint);
  auto other_day = decode_cursor(encode_cursor({day + 1, c.time, 42, 1}));
  ASSERT_FALSE(other_day);
  EXPECT_EQ(other_day.error().code, ErrorCode::kInvalidInput);
  EXPECT_FALSE(decode_cursor(encode_cursor({day, c.time, 0, 1})));  // ids start at 1
  EXPECT_FALSE(decode_cursor(""));
}

// (Strings moved in whole: assigning short literals to members trips GCC 12's -Wrestrict
// at -O3.)
EventQuery query_for(std::string user, std::string source_ip) {
  EventQuery q;
  q.user = std::move(user);
  q.source_ip = std::move(source_ip);
  return q;
}

TEST(StoreCursor, FingerprintCoversFiltersButNotPaging) {
  const EventQuery a = query_for("ab", "c");
  EventQuery b = a;
  b.limit = 7;
  b.cursor = query_for("x", "").user;
  EXPECT_EQ(query_fingerprint(a), query_fingerprint(b));
  EXPECT_NE(query_fingerprint(a), query_fingerprint(query_for("a", "bc")));
  b = a;
  b.min_severity = Severity::kLow;
  EXPECT_NE(query_fingerprint(a), query_fingerprint(b));
  b = a;
  b.from = Timestamp{0};
  EXPECT_NE(query_fingerprint(a), query_fingerprint(b));
}

}  // namespace
}  // namespace vigil::store
