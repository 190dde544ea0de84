// The small persisted formats: posting lists, terms, cursors.
#include "store/posting_codec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

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
  std::map<int64_t, std::string> rows;
  auto buckets = block.write_buckets([&](int64_t bucket, std::string_view row) -> Result<void> {
    rows.emplace(bucket, row);
    return {};
  });
  ASSERT_TRUE(buckets);
  EXPECT_EQ(*buckets, 1u);  // six terms share one row
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows.begin()->second[0], 6);  // all, login, alice, bob, 10.0.0.0, high; no info, no ""
  auto list = [&](int64_t term) {
    std::vector<Posting> out;
    auto found = find_in_bucket(rows[bucket_of(term, *buckets)], term);
    EXPECT_TRUE(found && decode_postings(*found, out));
    return out;
  };
  EXPECT_EQ(list(all_term()), (std::vector<Posting>{{100, 2}, {200, 3}, {300, 1}}));
  EXPECT_EQ(list(term_of(TermField::kUser, "alice")), (std::vector<Posting>{{200, 3}, {300, 1}}));
  EXPECT_EQ(list(severity_term(Severity::kHigh)), (std::vector<Posting>{{100, 2}, {200, 3}}));
  EXPECT_TRUE(list(term_of(TermField::kEventType, "")).empty());
}

// A block of many users spreads its terms over buckets; every term's list comes back from
// its bucket's row exactly as the events gave it, and a term no event had finds nothing.
TEST(StorePostingBlock, SpreadsManyTermsOverBucketsAndFindsEachList) {
  PostingBlock block;
  std::map<int64_t, std::vector<Posting>> expected;
  for (int id = 1; id <= 3000; ++id) {
    const int64_t time = 1'000'000 + (id * 7919) % 5000;  // out of order: late events
    const std::string user = "user" + std::to_string((id * 31) % 997);
    const std::string ip = "10.0." + std::to_string(id % 61) + ".0";
    block.add(id, time, Severity::kInfo, "login", user, ip);
    for (int64_t term : {all_term(), term_of(TermField::kEventType, "login"),
                         term_of(TermField::kUser, user), term_of(TermField::kSourceIp, ip)}) {
      expected[term].push_back({time, id});
    }
  }
  for (auto& [term, list] : expected) std::sort(list.begin(), list.end());
  std::map<int64_t, std::string> rows;
  auto buckets = block.write_buckets([&](int64_t bucket, std::string_view row) -> Result<void> {
    EXPECT_TRUE(rows.empty() || rows.rbegin()->first < bucket) << "buckets in key order";
    rows.emplace(bucket, row);
    return {};
  });
  ASSERT_TRUE(buckets);
  EXPECT_EQ(*buckets, bucket_count_for(expected.size()));
  EXPECT_GE(*buckets, 32u);  // 1,059 terms, about 16 a row
  EXPECT_LE(rows.size(), *buckets);
  EXPECT_LE(rows.rbegin()->first, int64_t{*buckets} - 1);
  for (const auto& [term, want] : expected) {
    auto found = find_in_bucket(rows[bucket_of(term, *buckets)], term);
    ASSERT_TRUE(found && !found->empty()) << term;
    std::vector<Posting> got;
    ASSERT_TRUE(decode_postings(*found, got));
    EXPECT_EQ(got, want) << term;
  }
  const int64_t absent = term_of(TermField::kUser, "nobody");
  auto none = find_in_bucket(rows[bucket_of(absent, *buckets)], absent);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(StorePostingCodec, RejectsCorruptBuckets) {
  std::string a, b;
  encode_postings(std::vector<Posting>{{10, 1}}, a);
  encode_postings(std::vector<Posting>{{20, 2}, {30, 3}}, b);
  std::string bucket;
  const std::vector<TermList> lists = {{-5, a}, {7, b}};
  encode_bucket(lists, bucket);
  ASSERT_EQ(find_in_bucket(bucket, 7), std::optional<std::string_view>(b));
  ASSERT_EQ(find_in_bucket(bucket, -5), std::optional<std::string_view>(a));
  EXPECT_EQ(find_in_bucket(bucket.substr(0, bucket.size() - 1), 7), std::nullopt);  // truncated
  EXPECT_EQ(find_in_bucket(bucket + "x", 7), std::nullopt);         // bytes past the lists
  EXPECT_EQ(find_in_bucket(bucket.substr(0, 5), 7), std::nullopt);  // directory cut short
  std::string unordered;
  const std::vector<TermList> backwards = {{7, b}, {-5, a}};
  encode_bucket(backwards, unordered);
  EXPECT_EQ(find_in_bucket(unordered, -5), std::nullopt);
  std::string too_many = bucket;
  too_many[0] = 100;  // more terms than the bytes could hold
  EXPECT_EQ(find_in_bucket(too_many, 7), std::nullopt);
  EXPECT_EQ(find_in_bucket("", 7), std::nullopt);
}

TEST(StorePostingCodec, BucketCountsArePowersOfTwoNearSixteenTermsEach) {
  EXPECT_EQ(bucket_count_for(0), 1u);
  EXPECT_EQ(bucket_count_for(31), 1u);
  EXPECT_EQ(bucket_count_for(32), 2u);
  EXPECT_EQ(bucket_count_for(5000), 256u);
  EXPECT_EQ(bucket_of(-1, 256), 255u);
  EXPECT_EQ(bucket_of(0x1234, 1), 0u);
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
