#include "pipeline/bounded_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace vigil {
namespace {

using namespace std::chrono_literals;

TEST(BoundedQueue, TryPushRefusesBeyondCapacityButNeverDrops) {
  BoundedQueue<int> q(10);
  EXPECT_TRUE(q.try_push(1, 6));
  EXPECT_FALSE(q.try_push(2, 6));  // 12 > 10: refused, the caller answers 429
  EXPECT_TRUE(q.try_push(3, 4));
  EXPECT_TRUE(q.full());
  EXPECT_EQ(q.pop(0ms), 1);
  EXPECT_EQ(q.load(), 4u);
  EXPECT_EQ(q.pop(0ms), 3);
  EXPECT_FALSE(q.pop(0ms).has_value());
}

TEST(BoundedQueue, AnItemHeavierThanCapacityFitsAnEmptyQueue) {
  BoundedQueue<int> q(10);
  EXPECT_TRUE(q.try_push(1, 50));
  EXPECT_FALSE(q.try_push(2, 1));
}

TEST(BoundedQueue, BlockingPushWaitsForRoomThenDelivers) {
  BoundedQueue<int> q(1);
  ASSERT_TRUE(q.try_push(1, 1));
  std::atomic<bool> pushed{false};
  std::thread producer([&] {
    EXPECT_TRUE(q.push(2, 1));
    pushed = true;
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(pushed.load());  // still waiting: back-pressure, not a drop
  EXPECT_EQ(q.pop(1000ms), 1);
  producer.join();
  EXPECT_TRUE(pushed.load());
  EXPECT_EQ(q.pop(1000ms), 2);
}

TEST(BoundedQueue, CloseWakesWaitersAndDrains) {
  BoundedQueue<int> q(1);
  ASSERT_TRUE(q.try_push(1, 1));
  std::thread producer([&] { EXPECT_FALSE(q.push(2, 1)); });
  std::this_thread::sleep_for(20ms);
  q.close();
  producer.join();
  EXPECT_FALSE(q.drained());  // the queued item is still delivered
  EXPECT_EQ(q.pop(0ms), 1);
  EXPECT_TRUE(q.drained());
  EXPECT_FALSE(q.try_push(3, 1));
}

}  // namespace
}  // namespace vigil
