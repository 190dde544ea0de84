#include "state/sliding_vector.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <random>
#include <vector>

namespace vigil::state {
namespace {

std::vector<int> items(const SlidingVector<int>& v) {
  return {v.begin(), v.end()};
}

TEST(SlidingVector, PopsAtTheFrontAndInsertsAnywhereInOrder) {
  SlidingVector<int> v;
  EXPECT_TRUE(v.empty());
  for (int i = 0; i < 5; ++i) v.push_back(i);
  v.pop_front();
  v.pop_front();
  EXPECT_EQ(items(v), (std::vector<int>{2, 3, 4}));
  EXPECT_EQ(v.front(), 2);
  EXPECT_EQ(v.back(), 4);
  EXPECT_EQ(v[1], 3);
  v.insert(v.begin() + 1, 10);
  EXPECT_EQ(items(v), (std::vector<int>{2, 10, 3, 4}));
  v.erase(v.begin() + 2);  // not the front
  EXPECT_EQ(items(v), (std::vector<int>{2, 10, 4}));
  v.erase(v.begin());  // the front
  EXPECT_EQ(items(v), (std::vector<int>{10, 4}));
  v.erase_front(2);
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(v.size(), 0u);
}

// Many pops interleaved with pushes: compaction keeps order and contents,
// and memory does not grow with the number of elements ever pushed.
TEST(SlidingVector, SlidingWindowKeepsOrderAndBoundedCapacity) {
  SlidingVector<int> v;
  int next = 0, oldest = 0;
  for (int step = 0; step < 100000; ++step) {
    v.push_back(next++);
    if (v.size() > 50) {
      ASSERT_EQ(v.front(), oldest);
      v.pop_front();
      ++oldest;
    }
  }
  ASSERT_EQ(v.size(), 50u);
  for (size_t i = 0; i < v.size(); ++i) ASSERT_EQ(v[i], oldest + static_cast<int>(i));
  EXPECT_LE(v.capacity(), 256u);
}

TEST(SlidingVector, PoppedElementsReleaseWhatTheyHold) {
  auto shared = std::make_shared<int>(7);
  SlidingVector<std::shared_ptr<int>> v;
  v.push_back(shared);
  v.push_back(shared);
  v.push_back(nullptr);
  EXPECT_EQ(shared.use_count(), 3);
  v.pop_front();  // the slot stays until compaction, its pointer must not
  EXPECT_EQ(shared.use_count(), 2);
  v.erase_front(1);
  EXPECT_EQ(shared.use_count(), 1);
  EXPECT_EQ(v.size(), 1u);
}

TEST(SlidingVector, CapacityGoesBackAfterABurst) {
  SlidingVector<int> v;
  for (int i = 0; i < 10000; ++i) v.push_back(i);
  v.erase_front(9990);
  EXPECT_EQ(v.size(), 10u);
  EXPECT_EQ(v.front(), 9990);
  EXPECT_LT(v.capacity(), 1000u);
}

// The ring wraps: random pushes, pops, sorted inserts and erases agree with
// std::deque at every step, wherever the ring's head happens to be.
TEST(SlidingVector, AgreesWithADequeUnderRandomOperations) {
  SlidingVector<int> v;
  std::deque<int> d;
  std::mt19937 rng(7);
  for (int step = 0; step < 200000; ++step) {
    const unsigned op = rng() % 10;
    const int x = static_cast<int>(rng() % 1000);
    if (op < 4 || d.empty()) {
      v.push_back(x);
      d.push_back(x);
    } else if (op < 7) {
      const size_t n = 1 + rng() % std::min<size_t>(d.size(), 3);
      v.erase_front(n);
      d.erase(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(n));
    } else if (op < 9) {
      const size_t at = rng() % (d.size() + 1);
      const auto it = v.insert(v.begin() + static_cast<std::ptrdiff_t>(at), x);
      ASSERT_EQ(*it, x);
      d.insert(d.begin() + static_cast<std::ptrdiff_t>(at), x);
    } else {
      const size_t at = rng() % d.size();
      v.erase(v.begin() + static_cast<std::ptrdiff_t>(at));
      d.erase(d.begin() + static_cast<std::ptrdiff_t>(at));
    }
    ASSERT_EQ(v.size(), d.size());
    if (step % 97 == 0) {
      ASSERT_EQ(items(v), std::vector<int>(d.begin(), d.end()));
    }
  }
  EXPECT_EQ(items(v), std::vector<int>(d.begin(), d.end()));
}

// Binary search runs on the ring as on a vector (correlation windows insert
// late entries at their upper bound).
TEST(SlidingVector, SortedInsertsThroughUpperBoundAcrossTheWrap) {
  SlidingVector<int> v;
  for (int i = 0; i < 6; ++i) v.push_back(i * 10);
  v.erase_front(4);                                 // head moves into the ring
  for (int i = 6; i < 9; ++i) v.push_back(i * 10);  // the tail wraps
  v.insert(std::upper_bound(v.begin(), v.end(), 65), 65);
  v.insert(std::upper_bound(v.begin(), v.end(), 40), 40);
  EXPECT_EQ(items(v), (std::vector<int>{40, 40, 50, 60, 65, 70, 80}));
  const SlidingVector<int>& c = v;
  EXPECT_EQ(std::lower_bound(c.begin(), c.end(), 65) - c.begin(), 4);
}

// A window that slides holds its live elements in at most twice their
// number of slots (the vector with a dead prefix held up to four times).
TEST(SlidingVector, ASlidingWindowHoldsAtMostTwiceItsElements) {
  SlidingVector<int> v;
  for (int i = 0; i < 1000; ++i) v.push_back(i);
  for (int i = 0; i < 100000; ++i) {
    v.pop_front();
    v.push_back(i);
    ASSERT_LE(v.capacity(), 2 * v.size());
  }
}

}  // namespace
}  // namespace vigil::state
