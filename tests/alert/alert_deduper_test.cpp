#include "alert/alert_deduper.h"

#include <gtest/gtest.h>

#include <string>

namespace vigil {
namespace {

constexpr int64_t kMinute = 60'000'000;

Timestamp at_minute(int64_t m) {
  return Timestamp{1'700'000'000'000'000 + m * kMinute};
}

TEST(AlertDeduper, RepeatsInsideTheWindowUpdateOneAlert) {
  AlertDeduper d(5 * kMinute, 100);
  auto first = d.admit("rule|alice", at_minute(0), "a1");
  EXPECT_FALSE(first.repeat);
  EXPECT_EQ(first.alert_id, "a1");
  auto second = d.admit("rule|alice", at_minute(3), "a2");
  EXPECT_TRUE(second.repeat);
  EXPECT_EQ(second.alert_id, "a1");
  EXPECT_EQ(second.count, 2u);
  EXPECT_EQ(second.first_seen, at_minute(0));
  EXPECT_EQ(second.last_seen, at_minute(3));
}

TEST(AlertDeduper, TheWindowRunsFromTheFirstEventSoSustainedActivityIsReRaised) {
  AlertDeduper d(5 * kMinute, 100);
  d.admit("k", at_minute(0), "a1");
  d.admit("k", at_minute(4), "a2");
  auto later = d.admit("k", at_minute(6), "a3");
  EXPECT_FALSE(later.repeat);
  EXPECT_EQ(later.alert_id, "a3");
  EXPECT_EQ(later.count, 1u);
}

TEST(AlertDeduper, LateEventsInsideTheWindowMoveFirstSeenBack) {
  AlertDeduper d(5 * kMinute, 100);
  d.admit("k", at_minute(10), "a1");
  auto late = d.admit("k", at_minute(8), "a2");
  EXPECT_TRUE(late.repeat);
  EXPECT_EQ(late.first_seen, at_minute(8));
  EXPECT_EQ(late.last_seen, at_minute(10));
}

TEST(AlertDeduper, DifferentEntitiesAreDifferentAlerts) {
  AlertDeduper d(5 * kMinute, 100);
  EXPECT_FALSE(d.admit("rule|alice", at_minute(0), "a1").repeat);
  EXPECT_FALSE(d.admit("rule|bob", at_minute(0), "a2").repeat);
}

TEST(AlertDeduper, MemoryIsBoundedByEvictingTheLeastRecentlySeen) {
  AlertDeduper d(60 * kMinute, 2);
  d.admit("a", at_minute(0), "1");
  d.admit("b", at_minute(1), "2");
  d.admit("a", at_minute(2), "x");  // a is now the most recent
  d.admit("c", at_minute(3), "3");  // evicts b
  EXPECT_EQ(d.size(), 2u);
  EXPECT_EQ(d.evicted(), 1u);
  EXPECT_TRUE(d.admit("a", at_minute(4), "y").repeat);
  EXPECT_FALSE(d.admit("b", at_minute(5), "4").repeat);
}

TEST(AlertDeduper, GroupsTwoWindowsPastAreDroppedWithoutTheCap) {
  AlertDeduper d(5 * kMinute, 100000);
  for (int i = 0; i < 1000; ++i) d.admit("rule|user" + std::to_string(i), at_minute(0), "a");
  EXPECT_EQ(d.size(), 1000u);
  d.admit("rule|late", at_minute(9), "b");  // within two windows: all kept
  EXPECT_EQ(d.size(), 1001u);
  d.admit("rule|next", at_minute(10), "c");
  EXPECT_EQ(d.size(), 2u);
  EXPECT_EQ(d.expired(), 1000u);
  EXPECT_EQ(d.evicted(), 0u);
  // A group that is kept still takes events a window late.
  EXPECT_TRUE(d.admit("rule|late", at_minute(5), "d").repeat);
}

TEST(AlertDeduper, ForgottenAlertsAreNotReopenedByRepeats) {
  AlertDeduper d(5 * kMinute, 100);
  d.admit("k", at_minute(0), "a1");
  d.forget("a1");
  auto next = d.admit("k", at_minute(1), "a2");
  EXPECT_FALSE(next.repeat);
  EXPECT_EQ(next.alert_id, "a2");
}

TEST(AlertDeduper, AZeroWindowNeverGroups) {
  AlertDeduper d(0, 100);
  EXPECT_FALSE(d.admit("k", at_minute(0), "a1").repeat);
  EXPECT_FALSE(d.admit("k", at_minute(0), "a2").repeat);
  EXPECT_EQ(d.size(), 0u);
}

}  // namespace
}  // namespace vigil
