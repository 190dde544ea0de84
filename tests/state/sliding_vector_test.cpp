#include "state/sliding_vector.h"

#include <gtest/gtest.h>

#include <memory>
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

}  // namespace
}  // namespace vigil::state
