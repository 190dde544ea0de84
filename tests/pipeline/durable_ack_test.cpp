// A chunk is acknowledged as stored only once the disk has it: the writer thread
// commits and goes on to the next batch, and a separate thread flushes the WAL and
// then completes the tickets (SqliteEventStore::sync). The flush is the store's test
// hook here, so that a test can hold it back or make it fail.
#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "config/config.h"
#include "pipeline/pipeline.h"
#include "store/sqlite_event_store.h"
#include "support/detect_stages.h"
#include "support/test_data.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;

// Flushes wait while the gate is closed; a failing gate fails them with EIO.
class FlushGate {
 public:
  store::FileSync hook() {
    return [this](int fd) {
      std::unique_lock lock(mu_);
      ++waiting_;
      cv_.wait(lock, [&] { return open_; });
      --waiting_;
      if (fail_) {
        errno = EIO;
        return -1;
      }
      return ::fdatasync(fd);
    };
  }
  void open(bool fail = false) {
    std::lock_guard lock(mu_);
    open_ = true;
    fail_ = fail;
    cv_.notify_all();
  }
  bool someone_waiting() {
    std::lock_guard lock(mu_);
    return waiting_ > 0;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
  bool fail_ = false;
  int waiting_ = 0;
};

class DurableAcknowledgement : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = default_config();
    config_.pipeline.workers = 2;
    config_.storage.data_dir = dir_.string();
    config_.storage.max_batch_delay_ms = 0;
    config_.storage.min_free_bytes = 0;
    store::SqliteStoreOptions options;
    options.sync_file = gate_.hook();
    auto store = store::SqliteEventStore::open(config_.storage, options);
    ASSERT_TRUE(store.has_value()) << store.error().message;
    Stages stages = testing::stages_with(config_, nullptr, alerts_);
    stages.detectors.clear();
    pipeline_ = std::make_unique<Pipeline>(config_, std::move(stages), std::move(*store));
  }
  void TearDown() override {
    gate_.open();
    pipeline_->shutdown();
  }

  std::shared_ptr<BatchTicket> submit(int events) {
    WorkItem item;
    for (int i = 0; i < events; ++i) {
      item.body += R"({"timestamp":"2024-05-01T08:00:00Z","n":)" + std::to_string(i) + "}\n";
    }
    item.received = Timestamp::now();
    auto ticket = pipeline_->submit(std::move(item), SubmitMode::kBlock);
    return ticket ? *ticket : nullptr;
  }

  // Until the store's flush is waiting at the gate (the batch is committed by then).
  bool flush_reached() {
    for (int i = 0; i < 500 && !gate_.someone_waiting(); ++i) std::this_thread::sleep_for(10ms);
    return gate_.someone_waiting();
  }

  std::filesystem::path dir_ = testing::make_temp_dir("vigil-durable");
  Config config_;
  FlushGate gate_;
  testing::DiscardingAlertSink alerts_;
  std::unique_ptr<Pipeline> pipeline_;
};

TEST_F(DurableAcknowledgement, NoTicketCompletesBeforeItsBatchIsFlushed) {
  auto ticket = submit(50);
  ASSERT_NE(ticket, nullptr);
  ASSERT_TRUE(flush_reached()) << "the batch was never flushed";
  std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(ticket->done()) << "acknowledged while its flush was still waiting";
  gate_.open();
  const BatchOutcome& outcome = ticket->wait();
  EXPECT_FALSE(outcome.failure);
  EXPECT_EQ(outcome.accepted, 50u);
  EXPECT_EQ(outcome.stored, 50u);
}

TEST_F(DurableAcknowledgement, AFailedFlushFailsTheBatchAndStopsIngest) {
  auto ticket = submit(50);
  ASSERT_NE(ticket, nullptr);
  ASSERT_TRUE(flush_reached());
  gate_.open(/*fail=*/true);
  const BatchOutcome& outcome = ticket->wait();
  ASSERT_TRUE(outcome.failure);
  EXPECT_EQ(outcome.stored, 0u);
  const Readiness ready = pipeline_->readiness();
  EXPECT_FALSE(ready.ready);
  EXPECT_NE(ready.reason.find("restart"), std::string::npos) << ready.reason;
  // New events are refused up front, for the store's reason.
  WorkItem item;
  item.body = R"({"timestamp":"2024-05-01T08:00:00Z","n":1})"
              "\n";
  auto later = pipeline_->submit(std::move(item), SubmitMode::kBlock);
  ASSERT_FALSE(later) << "a batch was accepted after the store failed";
  EXPECT_EQ(later.error().code, ErrorCode::kStorage);
  EXPECT_NE(later.error().message.find("restart"), std::string::npos) << later.error().message;
}

}  // namespace
}  // namespace vigil
