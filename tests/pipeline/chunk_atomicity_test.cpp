// A submitted chunk (one HTTP request, one replay chunk) is stored in one
// transaction even when its events are spread over several detect lanes: a
// reply of "not stored" then means none of it is stored, so a client's retry
// never duplicates events, and "stored" means all of it is. Both ways through
// the pipeline are checked: with a detector (detect lanes) and without one
// (workers finish their own chunks).
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "config/config.h"
#include "pipeline/pipeline.h"
#include "store/sqlite_event_store.h"
#include "support/detect_stages.h"
#include "support/test_data.h"

namespace vigil {
namespace {

constexpr size_t kChunkEvents = 199;

// The real SQLite store, noting how many events each transaction held.
class TransactionRecordingStore final : public EventStore {
 public:
  explicit TransactionRecordingStore(std::unique_ptr<EventStore> real) : real_(std::move(real)) {}
  Result<void> write(std::span<const StoredEvent> batch) override {
    auto written = real_->write(batch);
    std::lock_guard lock(mu_);
    (written ? committed_ : refused_).push_back(batch.size());
    return written;
  }
  Result<EventPage> query(const EventQuery& q) override { return real_->query(q); }
  Result<size_t> apply_retention(Timestamp now) override { return real_->apply_retention(now); }
  Result<void> check_health() override { return real_->check_health(); }

  std::vector<size_t> committed() {
    std::lock_guard lock(mu_);
    return committed_;
  }
  std::vector<size_t> refused() {
    std::lock_guard lock(mu_);
    return refused_;
  }

 private:
  std::unique_ptr<EventStore> real_;
  std::mutex mu_;
  std::vector<size_t> committed_, refused_;
};

class IdleDetector final : public Detector {
 public:
  std::string_view name() const override { return "idle"; }
  void on_event(Event&, AlertSink&) override {}
};

// The parameter: whether a detector is configured.
class ChunkAtomicity : public ::testing::TestWithParam<bool> {
 protected:
  void start(uint32_t max_page_count, int max_batch_delay_ms = 0) {
    config_ = default_config();
    config_.pipeline.workers = 4;  // keyless events go round-robin over four lanes
    config_.storage.data_dir = dir_.string();
    // 0: the writer never waits for a chunk's other parts.
    config_.storage.max_batch_delay_ms = max_batch_delay_ms;
    config_.storage.min_free_bytes = 0;
    // A few chunks per transaction at most: a writer that found all of them
    // queued at once (a busy machine) would otherwise try them in one
    // transaction, too large for the small store, and acknowledge none.
    config_.storage.batch_max_events = 3 * kChunkEvents;
    store::SqliteStoreOptions options;
    options.max_page_count = max_page_count;
    auto real = store::SqliteEventStore::open(config_.storage, options);
    ASSERT_TRUE(real.has_value()) << real.error().message;
    auto recording = std::make_unique<TransactionRecordingStore>(std::move(*real));
    store_ = recording.get();
    Stages stages = testing::stages_with(config_, recorder_, alerts_);
    if (!GetParam()) stages.detectors.clear();
    pipeline_ = std::make_unique<Pipeline>(config_, std::move(stages), std::move(recording));
  }

  // Submits `chunks` chunks of kChunkEvents keyless events; returns the events acknowledged as
  // stored.
  size_t submit(int chunks) {
    std::vector<std::shared_ptr<BatchTicket>> tickets;
    for (int c = 0; c < chunks; ++c) {
      WorkItem item;
      for (size_t i = 0; i < kChunkEvents; ++i) {
        item.body += R"({"timestamp":"2024-05-01T08:00:00Z","chunk":)" + std::to_string(c) +
                     R"(,"message":")" + std::string(200, 'x') + "\"}\n";
      }
      item.received = Timestamp::now();
      auto ticket = pipeline_->submit(std::move(item), SubmitMode::kBlock);
      if (ticket) {
        tickets.push_back(*ticket);
      } else {
        ++refused_at_submit_;  // a failed store refuses new chunks up front
      }
    }
    size_t stored = 0;
    for (auto& t : tickets) {
      const BatchOutcome& outcome = t->wait();
      EXPECT_EQ(outcome.accepted, kChunkEvents);
      EXPECT_TRUE(outcome.stored == 0 || outcome.stored == kChunkEvents) << outcome.stored;
      stored += outcome.stored;
    }
    return stored;
  }

  std::filesystem::path dir_ = testing::make_temp_dir("vigil-chunks");
  Config config_;
  std::shared_ptr<IdleDetector> recorder_ = std::make_shared<IdleDetector>();
  testing::DiscardingAlertSink alerts_;
  TransactionRecordingStore* store_ = nullptr;
  size_t refused_at_submit_ = 0;
  std::unique_ptr<Pipeline> pipeline_;
};

TEST_P(ChunkAtomicity, EveryTransactionHoldsWholeChunks) {
  start(/*max_page_count=*/0);
  const size_t stored = submit(40);
  pipeline_->shutdown();
  EXPECT_EQ(refused_at_submit_, 0u);
  EXPECT_EQ(stored, 40 * kChunkEvents);
  size_t committed = 0;
  for (size_t n : store_->committed()) {
    EXPECT_EQ(n % kChunkEvents, 0u) << "a transaction of " << n << " events split a chunk";
    committed += n;
  }
  EXPECT_EQ(committed, stored);
}

TEST_P(ChunkAtomicity, AFullStoreRefusesWholeChunksAndKeepsExactlyTheAcknowledged) {
  start(/*max_page_count=*/64);  // 1 MiB of 16 KiB pages: full after a few hundred events
  const size_t acknowledged = submit(60);
  pipeline_->shutdown();
  ASSERT_FALSE(store_->refused().empty()) << "the store never filled up";
  size_t committed = 0;
  for (size_t n : store_->committed()) committed += n;
  EXPECT_EQ(committed, acknowledged) << "stored events that were not acknowledged, or lost some";
  EXPECT_GT(acknowledged, 0u);
}

// Group commit waits for more only while more is on its way: a lone request
// (or a replay waiting on this very commit) must not sit out the delay.
TEST_P(ChunkAtomicity, ALoneChunkDoesNotWaitOutTheGroupCommitDelay) {
  start(/*max_page_count=*/0, /*max_batch_delay_ms=*/60'000);
  const auto begin = std::chrono::steady_clock::now();
  EXPECT_EQ(submit(1), kChunkEvents);
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(30));
  pipeline_->shutdown();
}

INSTANTIATE_TEST_SUITE_P(DetectLanesAndWorkers, ChunkAtomicity, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "WithDetector" : "WithoutDetectors";
                         });

}  // namespace
}  // namespace vigil
