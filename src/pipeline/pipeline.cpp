#include "pipeline/pipeline.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <unordered_map>

#include "core/strings.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;

// A rough event count for queue accounting, without parsing.
size_t estimate_events(const WorkItem& item) {
  return std::max<size_t>(1, item.newlines > 0 ? item.newlines : count_newlines(item.body));
}

// Events a detect lane holds decoded (a few replay chunks): enough to keep it
// busy, while the admission queue before it holds the compact raw text. A
// decoded event tree is 3-4x its JSON, so sizing the lanes by
// ingest.queue_capacity tied the daemon's memory to the HTTP queue (1 M
// replayed events peaked at 290 MB with a 65,536-event queue, 70 MB with 8,192).
constexpr size_t kLaneBufferEvents = 4096;

// How many events before its turn a lane hints a detector at an event's
// state (Detector::prefetch): one event's detection, sanitizing and
// serializing take microseconds, far longer than a load from memory, so one
// event ahead would do; two leave room when the next event is a cheap one.
constexpr size_t kPrefetchDistance = 2;

// The decode workers give way to every stage downstream of them and to the
// threads that take events in (pipeline.worker_nice): more decoded chunks are
// of no use while the stages after them are behind. Without detectors the
// store's writer is the critical path, and at equal priority it spent as long
// runnable-but-waiting for a core as running (1 M events: 1.8 s waiting, 1.9 s
// on a core); with detectors the lanes are, and nicing them too cost 10-30 %
// of a default replay's wall time (docs/benchmarks.md, session 15).
// On Linux a thread's nice value is its own. Best effort: a thread that
// cannot be reniced runs at the process's priority.
void lower_this_threads_priority(int steps) {
  if (steps <= 0) return;
  const pid_t tid = gettid();
  errno = 0;
  const int current = getpriority(PRIO_PROCESS, static_cast<id_t>(tid));
  if (current == -1 && errno != 0) return;
  if (setpriority(PRIO_PROCESS, static_cast<id_t>(tid), std::min(current + steps, 19)) != 0) {
    spdlog::debug("could not lower a pipeline thread's priority: errno {}", errno);
  }
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
      finish_on_workers_(stages_.detectors.empty()),
      store_(std::move(store)),
      work_(config.ingest.queue_capacity),
      router_(config, static_cast<size_t>(worker_count(config.pipeline))),
      in_order_(stages_.alerts),
      // Two store transactions' worth: one being written, one being gathered.
      written_(std::max<uint64_t>(
          std::min<uint64_t>(config.ingest.queue_capacity, 2 * config.storage.batch_max_events),
          config.storage.batch_max_events)),
      // As much again: transactions committed while a sync runs wait for the next one.
      committed_(written_.capacity()) {
  // The lanes together buffer at most as much as the ingest queue: what a
  // source or client can have in flight is bounded by twice ingest.queue_capacity.
  const size_t lane_capacity =
      std::clamp<size_t>(config.ingest.queue_capacity / router_.lanes(), 1, kLaneBufferEvents);
  if (!finish_on_workers_) {
    for (size_t i = 0; i < router_.lanes(); ++i)
      lanes_.push_back(std::make_unique<BoundedQueue<LaneBatch>>(lane_capacity));
  }
  for (auto& lane : lanes_) lane_threads_.emplace_back([this, q = lane.get()] { lane_loop(*q); });
  for (size_t i = 0; i < router_.lanes(); ++i) workers_.emplace_back([this] { worker_loop(); });
  if (store_) writer_ = std::thread([this] { writer_loop(); });
  if (store_) syncer_ = std::thread([this] { syncer_loop(); });
}

Pipeline::~Pipeline() {
  shutdown();
}

void Pipeline::shutdown() {
  std::call_once(shutdown_once_, [this] {
    work_.close();
    for (auto& w : workers_) w.join();
    // Every popped chunk was delivered, so nothing waits out of order now.
    for (auto& lane : lanes_) lane->close();
    for (auto& t : lane_threads_) t.join();
    written_.close();
    if (writer_.joinable()) writer_.join();
    committed_.close();
    if (syncer_.joinable()) syncer_.join();
  });
}

Result<std::shared_ptr<BatchTicket>> Pipeline::submit(WorkItem item, SubmitMode mode) {
  if (store_failed_.load(std::memory_order_acquire)) {
    std::lock_guard lock(failure_mutex_);
    return tl::unexpected<Error>(store_error_);
  }
  const size_t weight = estimate_events(item);
  auto ticket = std::make_shared<BatchTicket>();
  Job job{std::move(item), ticket};
  const bool queued = mode == SubmitMode::kBlock ? work_.push(std::move(job), weight)
                                                 : work_.try_push(std::move(job), weight);
  if (!queued) return make_error(ErrorCode::kUnavailable, "ingest queue full");
  chunks_upstream_.fetch_add(1, std::memory_order_acq_rel);
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
  lower_this_threads_priority(config_.pipeline.worker_nice);
  EventPreparer preparer(decoders_, stages_);
  // Used only without detectors (finish_on_workers_): nothing raises alerts then.
  LaneAlertSink sink(stages_.alerts);
  EventFinisher finisher(stages_, sink);
  while (true) {
    uint64_t ordinal = 0;
    auto job = work_.pop(200ms, &ordinal);
    if (!job) {
      if (work_.drained()) break;
      continue;
    }
    if (stages_.metrics) stages_.metrics->set_queue_depth(work_.load(), work_.capacity());
    Prepared p;
    p.chunk = std::make_shared<ChunkProgress>();
    p.chunk->ordinal = ordinal;
    p.chunk->ticket = std::move(job->ticket);
    if (finish_on_workers_) {
      finish_here(job->item, std::move(p.chunk), preparer, finisher);
      continue;
    }
    preparer.prepare(job->item, p.chunk->outcome, p.events);
    deliver_in_order(ordinal, std::move(p));
  }
}

// Without detectors no event needs its entity's lane: the worker that decodes
// a chunk sanitizes and serializes it a slice at a time (EventPreparer's
// slices of ~8 events), while the slice is in this core's cache, and frees it
// on the thread that allocated it. (Handed to a lane on the other core, every
// tree was read cold and freed remotely: a replay without detectors takes
// 10 % less CPU this way, and slices another 6 %.) The chunk is one part;
// chunks reach the writer in any order, as they do from the lanes.
void Pipeline::finish_here(const WorkItem& item, std::shared_ptr<ChunkProgress> chunk,
                           EventPreparer& preparer, EventFinisher& finisher) {
  chunk->parts = 1;
  chunk->parts_left.store(1, std::memory_order_relaxed);
  chunk->lanes_left.store(1, std::memory_order_relaxed);
  Processed p;
  p.chunk = std::move(chunk);
  if (store_) p.events.reserve(estimate_events(item));
  preparer.prepare(item, p.chunk->outcome, [&](std::vector<Event>& slice) {
    for (Event& event : slice) {
      finisher.finish(event, store_ ? &p.events.emplace_back() : nullptr);
    }
    slice.clear();  // freed by the thread that allocated them, while they are cached
  });
  finisher.flush_metrics();  // once a chunk: slices are a few events
  hand_on(std::move(p), {});
}

// Chunks finish preparing in any order; they are routed in the order they
// were submitted, so a replay's (or a connection's) events reach each lane in
// sequence. Whoever completes the oldest missing chunk routes every chunk
// that was waiting on it.
void Pipeline::deliver_in_order(uint64_t ordinal, Prepared prepared) {
  std::lock_guard lock(route_mutex_);
  out_of_order_.emplace(ordinal, std::move(prepared));
  for (auto it = out_of_order_.begin(); it != out_of_order_.end() && it->first == next_to_route_;
       it = out_of_order_.erase(it), ++next_to_route_) {
    route(std::move(it->second));
  }
}

// Called under route_mutex_; a full lane blocks here, which backs up the
// workers and then the ingest queue: back-pressure, never a drop.
void Pipeline::route(Prepared prepared) {
  std::vector<LaneBatch> per_lane(lanes_.size());
  // Entities are kept for the detectors' hints only: without detectors nobody reads them.
  const bool hint = !stages_.detectors.empty();
  for (size_t i = 0; i < prepared.events.size(); ++i) {
    EntityKey entity;
    LaneBatch& batch = per_lane[router_.lane_of(prepared.events[i], hint ? &entity : nullptr)];
    batch.entities.push_back(std::move(entity));
    batch.events.push_back(std::move(prepared.events[i]));
    batch.positions.push_back(static_cast<uint32_t>(i));
  }
  size_t parts = 0;
  for (const auto& batch : per_lane) parts += batch.events.empty() ? 0 : 1;
  // A chunk with no accepted event still sends one (empty) part, so its
  // ticket completes and its place in submission order is taken.
  const bool nothing_accepted = parts == 0;
  parts = std::max<size_t>(parts, 1);
  prepared.chunk->parts = parts;
  prepared.chunk->parts_left.store(parts, std::memory_order_relaxed);
  prepared.chunk->lanes_left.store(parts, std::memory_order_relaxed);
  for (size_t i = 0; i < per_lane.size(); ++i) {
    if (per_lane[i].events.empty() && !(nothing_accepted && i == 0)) continue;
    const size_t weight = std::max<size_t>(1, per_lane[i].events.size());
    per_lane[i].chunk = prepared.chunk;
    lanes_[i]->push(std::move(per_lane[i]), weight);
  }
}

void Pipeline::lane_loop(BoundedQueue<LaneBatch>& lane) {
  LaneAlertSink sink(stages_.alerts);
  EventFinisher finisher(stages_, sink);
  while (true) {
    auto batch = lane.pop(200ms);
    if (!batch) {
      if (lane.drained()) break;
      continue;
    }
    Processed p;
    p.chunk = std::move(batch->chunk);
    if (store_) p.events.reserve(batch->events.size());
    finish_batch(*batch, finisher, sink, store_ ? &p.events : nullptr);
    if (!hand_on(std::move(p), sink.take_ordered())) break;
  }
}

// A finished part goes to the writer (or, without a store, completes its
// chunk). False once the writer has stopped taking parts.
bool Pipeline::hand_on(Processed p, std::vector<OrderedWork> ordered) {
  // Before the push: the writer, woken by it, must already see that this
  // chunk is no longer on its way, or it would wait out its whole delay.
  if (lane_part_done(*p.chunk, std::move(ordered))) {
    chunks_upstream_.fetch_sub(1, std::memory_order_acq_rel);
  }
  if (!store_) {
    part_done(*p.chunk, nullptr);
    return true;
  }
  const size_t weight = std::max<size_t>(1, p.events.size());
  return written_.push(std::move(p), weight);
}

// In order, each event hinted to the detectors kPrefetchDistance events
// before its turn. `stored` (with a store) receives the events as stored.
void Pipeline::finish_batch(LaneBatch& batch, EventFinisher& finisher, LaneAlertSink& sink,
                            std::vector<StoredEvent>* stored) {
  const size_t count = batch.events.size();
  for (size_t i = 0; i < std::min(count, kPrefetchDistance); ++i) {
    finisher.prefetch(batch.entities[i]);
  }
  for (size_t i = 0; i < count; ++i) {
    if (i + kPrefetchDistance < count) finisher.prefetch(batch.entities[i + kPrefetchDistance]);
    sink.set_position(batch.positions[i]);
    finisher.finish(batch.events[i], stored != nullptr ? &stored->emplace_back() : nullptr);
  }
  finisher.flush_metrics();
}

// The chunk's last part out of the lanes hands its deferred work on, to run
// once every earlier chunk's has.
bool Pipeline::lane_part_done(ChunkProgress& chunk, std::vector<OrderedWork> ordered) {
  if (!ordered.empty()) {
    std::lock_guard lock(chunk.ordered_mutex);
    std::move(ordered.begin(), ordered.end(), std::back_inserter(chunk.ordered));
  }
  if (chunk.lanes_left.fetch_sub(1, std::memory_order_acq_rel) != 1) return false;
  std::vector<OrderedWork> all;
  {
    std::lock_guard lock(chunk.ordered_mutex);
    all = std::move(chunk.ordered);
  }
  in_order_.chunk_done(chunk.ordinal, std::move(all));
  return true;
}

// The last part of a chunk completes its ticket: stored only if every part
// was written. All parts share one transaction (take_whole_chunks), so a
// failed chunk left nothing behind and a client's retry stores no duplicate.
void Pipeline::part_done(ChunkProgress& chunk, const Error* failure) {
  if (failure != nullptr) {
    std::lock_guard lock(chunk.failure_mutex);
    if (!chunk.outcome.failure) chunk.outcome.failure = *failure;
  }
  if (chunk.parts_left.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  std::lock_guard lock(chunk.failure_mutex);
  chunk.outcome.stored = store_ && !chunk.outcome.failure ? chunk.outcome.accepted : 0;
  chunk.ticket->complete(std::move(chunk.outcome));
}

void Pipeline::writer_loop() {
  const auto delay = std::chrono::milliseconds(config_.storage.max_batch_delay_ms);
  const size_t max_events = config_.storage.batch_max_events;
  auto next_retention = std::chrono::steady_clock::now();
  std::vector<Processed> held;  // parts waiting for their chunk's other parts
  size_t events = 0;
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
    events += first->events.size();
    held.push_back(std::move(*first));
    // Group commit: whatever else is ready (or arrives within the delay) shares
    // this transaction and its flush. With nothing left upstream, nothing can
    // arrive: a replay waiting on this very commit would stall for the whole
    // delay (5 ms a commit held a replay with the store at 37 k events/s).
    const auto deadline = std::chrono::steady_clock::now() + delay;
    while (events < max_events) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      const bool more_coming = chunks_upstream_.load(std::memory_order_acquire) > 0;
      auto more = written_.pop(more_coming ? std::max(left, 0ms) : 0ms);
      if (!more) break;
      events += more->events.size();
      held.push_back(std::move(*more));
    }
    auto group = take_whole_chunks(held);
    for (const auto& p : group) events -= p.events.size();
    if (!group.empty()) write_group(group);
  }
  // Every lane has finished, so every chunk is whole by now.
  if (!held.empty()) write_group(held);
}

// Moves out of `held` the parts of every chunk whose parts have all arrived;
// the others stay until their missing parts leave the lanes.
std::vector<Pipeline::Processed> Pipeline::take_whole_chunks(std::vector<Processed>& held) {
  std::unordered_map<const ChunkProgress*, size_t> arrived;
  for (const auto& p : held) ++arrived[p.chunk.get()];
  std::vector<Processed> whole;
  std::vector<Processed> waiting;
  for (auto& p : held) {
    const bool complete = arrived[p.chunk.get()] == p.chunk->parts;
    (complete ? whole : waiting).push_back(std::move(p));
  }
  held = std::move(waiting);
  return whole;
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
  auto written = store_->write_unsynced(batch);
  if (!written) {
    record_store_write(start, batch.size(), false);
    // Data the store cannot take is that batch's problem, not the store's.
    if (written.error().code != ErrorCode::kInvalidInput) set_store_failure(written.error());
    fail_group(group, written.error());
    return;
  }
  const size_t events = batch.size();
  std::vector<std::shared_ptr<ChunkProgress>> chunks;
  for (const auto& p : group) chunks.push_back(p.chunk);
  if (!committed_.push(CommittedGroup{std::move(group), start, events}, events)) {
    // The queue closes only after this thread has finished: never in practice,
    // but a ticket must not wait forever, and without a flush "failed" is the truth.
    const Error error{ErrorCode::kUnavailable, "shutting down before the flush"};
    for (const auto& chunk : chunks) part_done(*chunk, &error);
  }
}

void Pipeline::record_store_write(std::chrono::steady_clock::time_point start, size_t events,
                                  bool ok) {
  if (!stages_.metrics) return;
  const auto elapsed = std::chrono::steady_clock::now() - start;
  stages_.metrics->record_store_write(std::chrono::duration<double>(elapsed).count(), events, ok);
}

// Acknowledges committed groups once the disk has them: one sync covers every group
// committed before it, so the groups that arrive while one runs share the next.
void Pipeline::syncer_loop() {
  while (true) {
    auto first = committed_.pop(1000ms);
    if (!first) {
      if (committed_.drained()) break;
      continue;
    }
    std::vector<CommittedGroup> groups;
    groups.push_back(std::move(*first));
    while (auto more = committed_.pop(0ms)) groups.push_back(std::move(*more));
    auto synced = store_->sync();
    if (!synced) set_store_failure(synced.error());
    acknowledge(groups, synced);
  }
}

void Pipeline::acknowledge(std::vector<CommittedGroup>& groups, const Result<void>& synced) {
  for (auto& group : groups) {
    // The batch's write latency: its commit and the flush that made it durable.
    record_store_write(group.started, group.events, synced.has_value());
    if (synced) {
      for (auto& p : group.parts) part_done(*p.chunk, nullptr);
    } else {
      fail_group(group.parts, synced.error());
    }
  }
}

void Pipeline::fail_group(std::vector<Processed>& group, const Error& error) {
  for (auto& p : group) part_done(*p.chunk, &error);
}

void Pipeline::apply_retention() {
  auto removed = store_->apply_retention(Timestamp::now());
  if (!removed) {
    spdlog::warn("retention failed: {}", removed.error().message);
  } else if (*removed > 0) {
    spdlog::info("retention removed {} day file(s)", *removed);
  }
}

// The syncer can fail the store while this thread checks its health: the
// failure is cleared only if none was set since the check began.
bool Pipeline::store_healthy() {
  if (!store_failed_.load(std::memory_order_acquire)) return true;
  uint64_t failures_before = 0;
  {
    std::lock_guard lock(failure_mutex_);
    failures_before = failures_;
  }
  if (!store_->check_health()) return false;
  std::lock_guard lock(failure_mutex_);
  if (failures_ != failures_before) return false;
  store_failed_.store(false, std::memory_order_release);
  spdlog::info("store recovered: accepting events again");
  return true;
}

void Pipeline::set_store_failure(const Error& error) {
  {
    std::lock_guard lock(failure_mutex_);
    store_error_ = error;
    ++failures_;
    store_failed_.store(true, std::memory_order_release);
  }
  spdlog::error("store write failed, refusing new events until it recovers: {}", error.message);
}

}  // namespace vigil
