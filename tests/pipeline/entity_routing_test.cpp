// The pipeline routes events to detect lanes by entity: with several workers
// preparing chunks in parallel, each entity's events still reach the
// detectors in submission order, on one thread, and every ticket completes
// with its own counts.
#include <gtest/gtest.h>
#include <xxhash.h>

#include <algorithm>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "core/field_path.h"
#include "ingest/json_parser.h"
#include "pipeline/entity_router.h"
#include "pipeline/pipeline.h"
#include "support/detect_stages.h"

namespace vigil {
namespace {

// Remembers, per user, the order in which events arrived and on which
// threads; and, through work deferred to submission order, the global order.
// Raises an alert for every event (its sequence number as the description).
class ArrivalRecorder : public Detector {
 public:
  std::string_view name() const override { return "arrival"; }
  void on_event(Event& event, AlertSink& alerts) override {
    const Value* seq = seq_.find(event.doc);
    const Value* user = user_.find(event.doc);
    Alert alert;
    alert.rule = "arrival";
    alert.description = std::to_string(seq->as_int());
    alerts.emit(std::move(alert));
    alerts.in_submission_order([this, n = seq->as_int()](AlertSink&) {
      std::lock_guard lock(mu_);  // runs on some lane thread, one at a time
      in_submission_order_.push_back(n);
    });
    std::lock_guard lock(mu_);
    ++events_;
    if (user == nullptr) return;
    seqs_[user->as_string()].push_back(seq->as_int());
    threads_[user->as_string()].insert(std::this_thread::get_id());
  }

  std::mutex mu_;
  size_t events_ = 0;
  std::vector<int64_t> in_submission_order_;
  std::map<std::string, std::vector<int64_t>> seqs_;
  std::map<std::string, std::set<std::thread::id>> threads_;

 private:
  FieldPath seq_{"seq"};
  FieldPath user_{"user.name"};
};

// Remembers, per thread, the entities hinted (Detector::prefetch) and not
// yet seen; when an event's turn comes, whether the oldest of them is its
// entity (hinted first, on its lane, in order), and how many were waiting.
class HintRecorder : public Detector {
 public:
  std::string_view name() const override { return "hints"; }
  void prefetch(std::string_view entity, uint64_t entity_hash) const override {
    std::lock_guard lock(mu_);
    ++hints_;
    if (entity_hash == XXH3_64bits(entity.data(), entity.size())) ++hashes_right_;
    waiting_[std::this_thread::get_id()].emplace_back(entity);
  }
  void on_event(Event& event, AlertSink&) override {
    std::lock_guard lock(mu_);
    ++events_;
    std::deque<std::string>& waiting = waiting_[std::this_thread::get_id()];
    most_waiting_ = std::max(most_waiting_, waiting.size());
    if (waiting.empty()) return;
    if (waiting.front() == user_.find(event.doc)->as_string()) ++hinted_first_;
    waiting.pop_front();
  }

  mutable std::mutex mu_;
  mutable size_t hints_ = 0, hashes_right_ = 0;
  size_t events_ = 0, hinted_first_ = 0, most_waiting_ = 0;

 private:
  FieldPath user_{"user.name"};
  mutable std::map<std::thread::id, std::deque<std::string>> waiting_;
};

Event event_with(const std::string& json) {
  JsonEventParser parser(ParseLimits{});
  auto parsed = parser.parse(json);
  EXPECT_TRUE(parsed.has_value()) << json;
  Event e;
  if (parsed) e.doc = std::move(*parsed);
  return e;
}

TEST(EntityRouter, OneEntityAlwaysTakesOneLaneAndKeylessEventsSpread) {
  Config config = default_config();
  EntityRouter router(config, 4);
  const size_t alice = router.lane_of(event_with(R"({"user":{"name":"alice"}})"));
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(router.lane_of(event_with(R"({"user":{"name":"alice"},"n":1})")), alice);
  // No user: the source IP decides, so one address's events also stay together.
  const size_t ip = router.lane_of(event_with(R"({"source":{"ip":"198.51.100.7"}})"));
  EXPECT_EQ(router.lane_of(event_with(R"({"source":{"ip":"198.51.100.7"}})")), ip);
  std::set<size_t> keyless;
  for (int i = 0; i < 8; ++i) keyless.insert(router.lane_of(event_with(R"({"msg":"x"})")));
  EXPECT_EQ(keyless.size(), 4u);
  std::set<size_t> users;
  for (int i = 0; i < 64; ++i)
    users.insert(
        router.lane_of(event_with(R"({"user":{"name":"u)" + std::to_string(i) + R"("}})")));
  EXPECT_EQ(users.size(), 4u) << "64 users should hash onto every lane";
}

TEST(EntityRouter, FollowsTheConfiguredBehaviourEntity) {
  Config config = default_config();
  config.behavior.entity = "host";
  EntityRouter router(config, 8);
  const size_t web1 = router.lane_of(event_with(R"({"host":{"name":"web1"},"user":{"name":"a"}})"));
  std::set<size_t> lanes;
  for (int i = 0; i < 32; ++i) {
    const std::string user = "u" + std::to_string(i);
    lanes.insert(
        router.lane_of(event_with(R"({"host":{"name":"web1"},"user":{"name":")" + user + "\"}}")));
  }
  EXPECT_EQ(lanes, std::set<size_t>{web1}) << "many users on one host: one lane";
}

class EntityRoutingPipeline : public ::testing::Test {
 protected:
  void start(int workers, uint64_t queue_capacity) {
    config_ = default_config();
    config_.pipeline.workers = workers;
    config_.ingest.queue_capacity = queue_capacity;
    pipeline_ = std::make_unique<Pipeline>(
        config_, testing::stages_with(config_, recorder_, alerts_), nullptr);
  }

  Config config_;
  std::shared_ptr<ArrivalRecorder> recorder_ = std::make_shared<ArrivalRecorder>();
  testing::CollectingSink alerts_;
  std::unique_ptr<Pipeline> pipeline_;
};

TEST_F(EntityRoutingPipeline, EachUsersEventsArriveInSubmissionOrderOnOneThread) {
  // A small queue, so submitters block and chunks finish out of order.
  start(/*workers=*/4, /*queue_capacity=*/1024);
  constexpr int kChunks = 120, kPerChunk = 300, kUsers = 37;
  std::vector<std::shared_ptr<BatchTicket>> tickets;
  std::vector<size_t> expected_rejected;
  int64_t seq = 0;
  size_t keyless = 0;
  for (int c = 0; c < kChunks; ++c) {
    WorkItem item;
    // Chunks of very different sizes finish in a different order than submitted.
    const int n = c % 3 == 0 ? kPerChunk * 3 : kPerChunk / 3;
    for (int i = 0; i < n; ++i, ++seq) {
      if (seq % 11 == 0) {
        item.body += R"({"seq":)" + std::to_string(seq) +
                     R"(,"message":"no entity"})"
                     "\n";
        ++keyless;
        continue;
      }
      item.body += R"({"seq":)" + std::to_string(seq) + R"(,"user":")" + "u" +
                   std::to_string(seq % kUsers) +
                   R"("})"
                   "\n";
    }
    item.body += "{not json\n";
    item.received = Timestamp::now();
    auto ticket = pipeline_->submit(std::move(item), SubmitMode::kBlock);
    ASSERT_TRUE(ticket.has_value());
    tickets.push_back(*ticket);
    expected_rejected.push_back(1);
  }
  size_t accepted = 0;
  for (size_t i = 0; i < tickets.size(); ++i) {
    const BatchOutcome& outcome = tickets[i]->wait();
    EXPECT_EQ(outcome.rejected, expected_rejected[i]) << "chunk " << i;
    EXPECT_EQ(outcome.read, outcome.accepted + outcome.rejected);
    EXPECT_FALSE(outcome.failure.has_value());
    EXPECT_EQ(outcome.stored, 0u) << "no store: nothing is reported stored";
    accepted += outcome.accepted;
  }
  pipeline_->shutdown();
  EXPECT_EQ(accepted, static_cast<size_t>(seq));

  std::lock_guard lock(recorder_->mu_);
  EXPECT_EQ(recorder_->events_, static_cast<size_t>(seq));
  size_t with_user = 0;
  std::set<std::thread::id> all_threads;
  for (const auto& [user, seqs] : recorder_->seqs_) {
    with_user += seqs.size();
    EXPECT_TRUE(std::is_sorted(seqs.begin(), seqs.end())) << user << " out of order";
    EXPECT_EQ(recorder_->threads_[user].size(), 1u) << user << " seen on several threads";
    all_threads.insert(recorder_->threads_[user].begin(), recorder_->threads_[user].end());
  }
  EXPECT_EQ(recorder_->seqs_.size(), static_cast<size_t>(kUsers));
  EXPECT_EQ(with_user + keyless, static_cast<size_t>(seq));
  EXPECT_EQ(all_threads.size(), 4u) << "37 users should keep all four lanes busy";
  // Work deferred to submission order saw every event, in exactly the order sent.
  ASSERT_EQ(recorder_->in_submission_order_.size(), static_cast<size_t>(seq));
  for (int64_t i = 0; i < seq; ++i) {
    ASSERT_EQ(recorder_->in_submission_order_[static_cast<size_t>(i)], i) << "at " << i;
  }
  // So did the alerts: the alert path groups repeats in the order alerts
  // arrive, and a replay's alerts must not depend on how lanes interleave.
  ASSERT_EQ(alerts_.alerts.size(), static_cast<size_t>(seq));
  for (int64_t i = 0; i < seq; ++i) {
    ASSERT_EQ(alerts_.alerts[static_cast<size_t>(i)].description, std::to_string(i)) << "at " << i;
  }
}

TEST_F(EntityRoutingPipeline, AChunkWithNothingAcceptedStillCompletes) {
  start(/*workers=*/3, /*queue_capacity=*/4096);
  WorkItem bad;
  bad.body = "{oops\n[1,2]\n";
  bad.received = Timestamp::now();
  auto ticket = pipeline_->submit(std::move(bad), SubmitMode::kBlock);
  ASSERT_TRUE(ticket.has_value());
  const BatchOutcome& outcome = (*ticket)->wait();
  EXPECT_EQ(outcome.accepted, 0u);
  EXPECT_EQ(outcome.rejected, 2u);
}

// Each event's entity is hinted once, on its lane, before its turn and in
// order, with the entity's XXH3-64; hints run ahead: when an event's turn
// comes the next ones' entities are already hinted.
TEST(PipelineHints, EveryEventIsHintedOnItsLaneBeforeItsTurn) {
  Config config = default_config();
  config.pipeline.workers = 2;
  auto recorder = std::make_shared<HintRecorder>();
  testing::DiscardingAlertSink alerts;
  Pipeline pipeline(config, testing::stages_with(config, recorder, alerts), nullptr);
  constexpr int kChunks = 20, kPerChunk = 50;
  std::vector<std::shared_ptr<BatchTicket>> tickets;
  for (int c = 0, seq = 0; c < kChunks; ++c) {
    WorkItem item;
    for (int i = 0; i < kPerChunk; ++i, ++seq) {
      item.body +=
          R"({"seq":)" + std::to_string(seq) + R"(,"user":"u)" + std::to_string(seq % 7) + "\"}\n";
    }
    item.received = Timestamp::now();
    auto ticket = pipeline.submit(std::move(item), SubmitMode::kBlock);
    ASSERT_TRUE(ticket.has_value());
    tickets.push_back(*ticket);
  }
  for (const auto& t : tickets) t->wait();
  pipeline.shutdown();
  std::lock_guard lock(recorder->mu_);
  EXPECT_EQ(recorder->events_, static_cast<size_t>(kChunks * kPerChunk));
  EXPECT_EQ(recorder->hints_, recorder->events_);
  EXPECT_EQ(recorder->hashes_right_, recorder->hints_);
  EXPECT_EQ(recorder->hinted_first_, recorder->events_);
  EXPECT_GE(recorder->most_waiting_, 2u) << "hints run ahead of the events' turns";
}

}  // namespace
}  // namespace vigil
