#include "pipeline/pipeline.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace vigil {
namespace {

using namespace std::chrono_literals;

// A rough event count for queue accounting, without parsing.
size_t estimate_events(const std::string& body) {
  return std::max<size_t>(1, static_cast<size_t>(std::count(body.begin(), body.end(), '\n')));
}

int worker_count(const PipelineConfig& c) {
  if (c.workers > 0) return c.workers;
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

Pipeline::Pipeline(const Config& config, Stages stages, std::unique_ptr<EventStore> store)
    : config_(config),
      decoders_(decoder_catalog(config)),
      stages_(std::move(stages)),
      store_(std::move(store)),
      work_(config.ingest.queue_capacity),
      written_(std::max<uint64_t>(config.ingest.queue_capacity, config.storage.batch_max_events)) {
  for (int i = 0; i < worker_count(config.pipeline); ++i)
    workers_.emplace_back([this] { worker_loop(); });
  if (store_) writer_ = std::thread([this] { writer_loop(); });
}

Pipeline::~Pipeline() {
  shutdown();
}

void Pipeline::shutdown() {
  std::call_once(shutdown_once_, [this] {
    work_.close();
    for (auto& w : workers_) w.join();
    written_.close();
    if (writer_.joinable()) writer_.join();
  });
}

Result<std::shared_ptr<BatchTicket>> Pipeline::submit(WorkItem item, SubmitMode mode) {
  if (store_failed_.load(std::memory_order_acquire)) {
    std::lock_guard lock(failure_mutex_);
    return tl::unexpected<Error>(store_error_);
  }
  const size_t weight = estimate_events(item.body);
  auto ticket = std::make_shared<BatchTicket>();
  Job job{std::move(item), ticket};
  const bool queued = mode == SubmitMode::kBlock ? work_.push(std::move(job), weight)
                                                 : work_.try_push(std::move(job), weight);
  if (!queued) return make_error(ErrorCode::kUnavailable, "ingest queue full");
  if (stages_.metrics) stages_.metrics->set_queue_depth(work_.load(), work_.capacity());
  return ticket;
}

Readiness Pipeline::readiness() const {
  if (store_failed_.load(std::memory_order_acquire)) {
    std::lock_guard lock(failure_mutex_);
    return {false, fmt::format("store unavailable: {}", store_error_.message)};
  }
  if (work_.full()) return {false, "ingest queue full"};
  return {};
}

void Pipeline::worker_loop() {
  EventProcessor processor(decoders_, stages_);
  while (true) {
    auto job = work_.pop(200ms);
    if (!job) {
      if (work_.drained()) break;
      continue;
    }
    if (stages_.metrics) stages_.metrics->set_queue_depth(work_.load(), work_.capacity());
    Processed p;
    p.ticket = std::move(job->ticket);
    processor.process(job->item, p.outcome, store_ ? &p.events : nullptr);
    if (!store_) {
      p.ticket->complete(std::move(p.outcome));
      continue;
    }
    const size_t weight = std::max<size_t>(1, p.events.size());
    if (!written_.push(std::move(p), weight)) break;
  }
}

void Pipeline::writer_loop() {
  const auto delay = std::chrono::milliseconds(config_.storage.max_batch_delay_ms);
  const size_t max_events = config_.storage.batch_max_events;
  auto next_retention = std::chrono::steady_clock::now();
  while (true) {
    // Retention runs on the writer thread, so it never races a write.
    if (std::chrono::steady_clock::now() >= next_retention) {
      apply_retention();
      next_retention = std::chrono::steady_clock::now() + 1h;
    }
    auto first = written_.pop(1000ms);
    if (!first) {
      if (written_.drained()) break;
      store_healthy();  // lets ingest resume on its own once the store can write again
      continue;
    }
    std::vector<Processed> group;
    size_t events = first->events.size();
    group.push_back(std::move(*first));
    // Group commit: whatever else is ready (or arrives within the delay) shares
    // this transaction and its fsync.
    const auto deadline = std::chrono::steady_clock::now() + delay;
    while (events < max_events) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      auto more = written_.pop(std::max(left, 0ms));
      if (!more) break;
      events += more->events.size();
      group.push_back(std::move(*more));
    }
    write_group(group);
  }
}

void Pipeline::write_group(std::vector<Processed>& group) {
  if (!store_healthy()) {
    std::lock_guard lock(failure_mutex_);
    const Error error = store_error_;
    fail_group(group, error);
    return;
  }
  std::vector<StoredEvent> batch;
  for (auto& p : group) {
    std::move(p.events.begin(), p.events.end(), std::back_inserter(batch));
  }
  const auto start = std::chrono::steady_clock::now();
  auto written = store_->write(batch);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (stages_.metrics)
    stages_.metrics->record_store_write(seconds, batch.size(), written.has_value());
  if (!written) {
    // Data the store cannot take is that batch's problem, not the store's.
    if (written.error().code != ErrorCode::kInvalidInput) set_store_failure(written.error());
    fail_group(group, written.error());
    return;
  }
  for (auto& p : group) {
    p.outcome.stored = p.outcome.accepted;
    p.ticket->complete(std::move(p.outcome));
  }
}

void Pipeline::fail_group(std::vector<Processed>& group, const Error& error) {
  for (auto& p : group) {
    p.outcome.failure = error;
    p.outcome.stored = 0;
    p.ticket->complete(std::move(p.outcome));
  }
}

void Pipeline::apply_retention() {
  auto removed = store_->apply_retention(Timestamp::now());
  if (!removed) {
    spdlog::warn("retention failed: {}", removed.error().message);
  } else if (*removed > 0) {
    spdlog::info("retention removed {} day file(s)", *removed);
  }
}

bool Pipeline::store_healthy() {
  if (!store_failed_.load(std::memory_order_acquire)) return true;
  if (!store_->check_health()) return false;
  store_failed_.store(false, std::memory_order_release);
  spdlog::info("store recovered: accepting events again");
  return true;
}

void Pipeline::set_store_failure(const Error& error) {
  {
    std::lock_guard lock(failure_mutex_);
    store_error_ = error;
  }
  store_failed_.store(true, std::memory_order_release);
  spdlog::error("store write failed, refusing new events until it recovers: {}", error.message);
}

}  // namespace vigil
