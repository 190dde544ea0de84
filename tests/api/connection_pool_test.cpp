// httplib runs a connection as one task for its whole life, so the pool must
// give every queued connection a thread of its own (up to its cap): a
// connection left waiting for a thread waits until another one closes.
#include "api/connection_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace vigil {
namespace {

using namespace std::chrono_literals;

// Jobs that run until released, counting how many have started.
class BlockingJobs {
 public:
  std::function<void()> job() {
    return [this] {
      std::unique_lock lock(mu_);
      ++started_;
      changed_.notify_all();
      changed_.wait(lock, [&] { return released_; });
    };
  }
  bool wait_started(int n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, timeout, [&] { return started_ >= n; });
  }
  void release() {
    std::lock_guard lock(mu_);
    released_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  int started_ = 0;
  bool released_ = false;
};

// An idle thread counts as idle until it has taken its job: two connections
// arriving together while one thread idled both woke that thread, and the
// second waited for the first to close (16 HTTP clients ran at half speed in
// about half the runs).
TEST(ConnectionPool, ConnectionsArrivingTogetherEachGetAThread) {
  for (int round = 0; round < 200; ++round) {
    ConnectionPool pool(64);
    std::atomic<bool> warmed{false};
    pool.enqueue([&] { warmed = true; });  // leaves one idle thread behind
    while (!warmed) std::this_thread::yield();
    std::this_thread::sleep_for(1ms);  // let it go back to waiting
    BlockingJobs jobs;
    for (int i = 0; i < 3; ++i) pool.enqueue(jobs.job());
    const bool all_started = jobs.wait_started(3, 5s);
    jobs.release();
    ASSERT_TRUE(all_started) << "round " << round << ": a connection waited for a thread";
  }
}

TEST(ConnectionPool, BeyondTheCapConnectionsWaitForAThread) {
  ConnectionPool pool(2);
  BlockingJobs jobs;
  for (int i = 0; i < 3; ++i) pool.enqueue(jobs.job());
  EXPECT_TRUE(jobs.wait_started(2, 5s));
  EXPECT_FALSE(jobs.wait_started(3, 200ms)) << "a third thread beyond the cap of two";
  jobs.release();
}

}  // namespace
}  // namespace vigil
