#include "core/timestamp.h"

#include <gtest/gtest.h>

#include <string>

namespace vigil {
namespace {

TEST(Timestamp, ParsesRfc3339WithZulu) {
  auto t = parse_iso8601("2024-03-01T12:34:56Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->seconds(), 1709296496);
}

TEST(Timestamp, AppliesOffsetsToUtc) {
  auto plus = parse_iso8601("2024-03-01T14:34:56+02:00");
  auto minus = parse_iso8601("2024-03-01T07:04:56-0530");
  ASSERT_TRUE(plus && minus);
  EXPECT_EQ(plus->seconds(), 1709296496);
  EXPECT_EQ(minus->seconds(), 1709296496);
}

TEST(Timestamp, NoOffsetMeansUtcAndSpaceSeparatorWorks) {
  auto t = parse_iso8601("2024-03-01 12:34:56.250");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->micros, 1709296496250000);
  EXPECT_EQ(format_rfc3339(*t), "2024-03-01T12:34:56.250000Z");
}

TEST(Timestamp, RejectsGarbage) {
  EXPECT_FALSE(parse_iso8601("yesterday"));
  EXPECT_FALSE(parse_iso8601("2024-13-01T00:00:00Z"));
  EXPECT_FALSE(parse_iso8601("2024-03-01T25:00:00Z"));
  EXPECT_FALSE(parse_iso8601("2024-03-01T12:00:00Zjunk"));
}

// Shorter and odder shapes than "YYYY-MM-DDThh:mm:ss": the same instant, or
// rejected, whichever way the text is read. Seconds since the epoch of
// 2024-03-01T12:34 UTC, counted by hand: 19,783 days * 86,400 + 45,240.
TEST(Timestamp, ShortAndOddShapes) {
  constexpr int64_t kNoon34 = 19783LL * 86400 + 12 * 3600 + 34 * 60;
  EXPECT_EQ(parse_iso8601("2024-03-01T12:34")->seconds(), kNoon34);
  EXPECT_EQ(parse_iso8601("2024-03-01t12:34:00z")->seconds(), kNoon34);
  EXPECT_EQ(parse_iso8601("2024-03-01 12:34:00+00")->seconds(), kNoon34);
  EXPECT_EQ(parse_iso8601("2024-03-01T12:34:00,5Z")->micros, kNoon34 * 1'000'000 + 500'000);
  EXPECT_EQ(parse_iso8601("2024-03-01")->seconds(), 19783LL * 86400);
  EXPECT_EQ(parse_iso8601("2024-03-01T23:59:60Z")->seconds(), 19784LL * 86400);  // leap second
  EXPECT_FALSE(parse_iso8601("2024-03-01T12:34:"));
  EXPECT_FALSE(parse_iso8601("2024-03-01T12:34:5"));
  EXPECT_FALSE(parse_iso8601("2024-03-01T12:34:56.Z"));
  EXPECT_FALSE(parse_iso8601("2024-03-01X12:34:56Z"));
  EXPECT_FALSE(parse_iso8601("2024-03-01Z"));
  EXPECT_FALSE(parse_iso8601("2024-03-00T12:34:56Z"));
  EXPECT_FALSE(parse_iso8601("2024-03-01T12:60:00Z"));
  EXPECT_FALSE(parse_iso8601("2024-03-01T12:34:56+24:00"));
  EXPECT_FALSE(parse_iso8601("2024-0a-01T12:34:56Z"));
  EXPECT_FALSE(parse_iso8601("2024/03/01T12:34:56Z"));
}

TEST(Timestamp, DateTimeShape) {
  EXPECT_TRUE(starts_with_datetime("2024-03-01T12:34:56", 'T'));
  EXPECT_TRUE(starts_with_datetime("2024-03-01 12:34:56.5Z", ' '));
  EXPECT_FALSE(starts_with_datetime("2024-03-01 12:34:56", 'T'));
  EXPECT_FALSE(starts_with_datetime("2024-03-01T12:34:5", 'T'));  // too short
  EXPECT_FALSE(starts_with_datetime("2024-03-01T12:34", 'T'));
  EXPECT_FALSE(starts_with_datetime("2024-03-01T12-34:56", 'T'));
  EXPECT_FALSE(starts_with_datetime("2024:03-01T12:34:56", 'T'));
  EXPECT_FALSE(starts_with_datetime("2024-03-01T12:34-56", 'T'));
  for (size_t i = 0; i < 19; ++i) {
    std::string text = "2024-03-01T12:34:56";
    if (text[i] < '0' || text[i] > '9') continue;
    for (char c : {'/', ':', 'a', '\0', '\x80'}) {
      text[i] = c;
      EXPECT_FALSE(starts_with_datetime(text, 'T')) << i << " " << int(c);
    }
  }
}

TEST(Timestamp, EpochSecondsAndMilliseconds) {
  EXPECT_EQ(from_epoch_number(1709296496)->seconds(), 1709296496);
  EXPECT_EQ(from_epoch_number(1709296496123.0)->micros, 1709296496123000);
  EXPECT_EQ(from_epoch_number(1709296496.5)->micros, 1709296496500000);
  EXPECT_FALSE(from_epoch_number(-1));
}

TEST(Timestamp, DayFormattingAcrossMidnight) {
  auto t = parse_iso8601("2023-12-31T23:59:59.999999Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_day(*t), "2023.12.31");
  EXPECT_EQ(format_day(Timestamp{t->micros + 1}), "2024.01.01");
  EXPECT_EQ(format_rfc3339(Timestamp{0}), "1970-01-01T00:00:00.000000Z");
}

TEST(Timestamp, Rfc3339FormattingRoundTrips) {
  for (const char* text :
       {"1970-01-01T00:00:00.000001Z", "1999-12-31T23:59:59.999999Z", "2000-02-29T12:00:00.500000Z",
        "2024-07-04T09:05:03.000042Z", "9999-12-31T23:59:59.999999Z"}) {
    auto t = parse_iso8601(text);
    ASSERT_TRUE(t) << text;
    EXPECT_EQ(format_rfc3339(*t), text);
  }
}

// Events of two days interleaved (late events, two sources): each time gets its
// own day, not the one formatted just before it.
TEST(Timestamp, Rfc3339FormattingFollowsTheDayBackAndForth) {
  const char* texts[] = {"2023-12-31T23:59:59.999999Z", "2024-01-01T00:00:00.000000Z",
                         "2023-12-31T08:00:00.000000Z", "2023-12-31T08:00:01.000000Z",
                         "2024-01-01T00:00:00.000001Z", "1970-01-01T00:00:00.000000Z",
                         "2024-01-01T23:59:59.000000Z"};
  for (int pass = 0; pass < 2; ++pass) {
    for (const char* text : texts) {
      auto t = parse_iso8601(text);
      ASSERT_TRUE(t) << text;
      EXPECT_EQ(format_rfc3339(*t), text);
    }
  }
}

}  // namespace
}  // namespace vigil
