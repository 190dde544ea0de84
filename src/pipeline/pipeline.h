// The running engine. Workers decode, normalize and enrich submitted chunks in
// parallel; their events are then routed, in submission order, to detect
// lanes by entity (EntityRouter), so every detector sees one entity's events
// in order on one thread; the lanes detect, sanitize and serialize; one
// writer thread group-commits their output to the store, and a syncer thread
// completes the tickets once the store has flushed those commits to disk
// (EventStore::write_unsynced, then sync). Without detectors
// there are no lanes: each worker sanitizes and serializes the chunk it
// decoded, while it is in that core's cache. A submitter's ticket
// completes only after the store has made all its events durable, so an
// acknowledgement is never a promise the disk did not keep.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "pipeline/batch_ticket.h"
#include "pipeline/bounded_queue.h"
#include "pipeline/entity_router.h"
#include "pipeline/event_processor.h"
#include "pipeline/stages.h"
#include "pipeline/submission_order.h"
#include "store/event_store.h"

namespace vigil {

enum class SubmitMode {
  kFailFast,  // queue full -> kUnavailable at once (HTTP answers 429)
  kBlock,     // wait for room (replay)
};

struct Readiness {
  bool ready = true;
  std::string reason;  // why not, for /readyz
};

class Pipeline {
 public:
  // `store` may be null: events are processed and counted but not kept.
  Pipeline(const Config& config, Stages stages, std::unique_ptr<EventStore> store);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Errors: kUnavailable (queue full), kStorageFull / kStorage (the store is
  // failing; nothing is accepted until it recovers).
  Result<std::shared_ptr<BatchTicket>> submit(WorkItem item, SubmitMode mode);

  Readiness readiness() const;
  size_t queue_depth() const { return work_.load(); }
  size_t queue_capacity() const { return work_.capacity(); }
  EventStore* store() { return store_.get(); }
  const Stages& stages() const { return stages_; }

  // Finishes everything queued, then stops the threads (also done by the destructor).
  void shutdown();

 private:
  struct Job {
    WorkItem item;
    std::shared_ptr<BatchTicket> ticket;
  };
  // One submitted chunk whose events may be spread over several lanes: its
  // ticket completes when the last part is done. Its parts are written in one
  // store transaction, so a chunk is stored whole or not at all.
  struct ChunkProgress {
    uint64_t ordinal = 0;  // submission order
    std::shared_ptr<BatchTicket> ticket;
    BatchOutcome outcome;
    size_t parts = 0;                   // set once, before the first part leaves for a lane
    std::atomic<size_t> parts_left{0};  // parts not yet written (or finished, without a store)
    std::mutex failure_mutex;
    // Parts still in a lane, and the work they deferred to submission order.
    std::atomic<size_t> lanes_left{0};
    std::mutex ordered_mutex;
    std::vector<OrderedWork> ordered;
  };
  struct Prepared {
    std::shared_ptr<ChunkProgress> chunk;
    std::vector<Event> events;
  };
  struct LaneBatch {
    std::shared_ptr<ChunkProgress> chunk;
    std::vector<Event> events;
    std::vector<uint32_t> positions;  // each event's place in its chunk
    std::vector<EntityKey> entities;  // each event's, for Detector::prefetch
  };
  struct Processed {
    std::shared_ptr<ChunkProgress> chunk;
    std::vector<StoredEvent> events;
  };
  // A group the store committed, waiting for the sync that makes it durable.
  struct CommittedGroup {
    std::vector<Processed> parts;
    std::chrono::steady_clock::time_point started;  // of the commit
    size_t events = 0;
  };

  void worker_loop();
  void deliver_in_order(uint64_t ordinal, Prepared prepared);
  void route(Prepared prepared);
  void finish_here(const WorkItem& item, std::shared_ptr<ChunkProgress> chunk,
                   EventPreparer& preparer, EventFinisher& finisher);
  void lane_loop(BoundedQueue<LaneBatch>& lane);
  bool hand_on(Processed p, std::vector<OrderedWork> ordered);
  static void finish_batch(LaneBatch& batch, EventFinisher& finisher, LaneAlertSink& sink,
                           std::vector<StoredEvent>* stored);
  // True for the chunk's last part out of the lanes.
  bool lane_part_done(ChunkProgress& chunk, std::vector<OrderedWork> ordered);
  void writer_loop();
  void syncer_loop();
  void acknowledge(std::vector<CommittedGroup>& groups, const Result<void>& synced);
  void record_store_write(std::chrono::steady_clock::time_point start, size_t events, bool ok);
  static std::vector<Processed> take_whole_chunks(std::vector<Processed>& held);
  void write_group(std::vector<Processed>& group);
  void fail_group(std::vector<Processed>& group, const Error& error);
  void part_done(ChunkProgress& chunk, const Error* failure);
  void apply_retention();
  bool store_healthy();
  void set_store_failure(const Error& error);

  const Config config_;
  const DecoderCatalog decoders_;
  Stages stages_;
  // No detectors: workers finish their own chunks and there are no lanes.
  const bool finish_on_workers_;
  std::unique_ptr<EventStore> store_;
  BoundedQueue<Job> work_;
  // Prepared chunks wait here until every earlier one has been routed.
  std::mutex route_mutex_;
  std::map<uint64_t, Prepared> out_of_order_;
  uint64_t next_to_route_ = 0;
  EntityRouter router_;
  std::vector<std::unique_ptr<BoundedQueue<LaneBatch>>> lanes_;
  SubmissionOrderRunner in_order_;
  BoundedQueue<Processed> written_;
  std::vector<std::thread> workers_;
  std::vector<std::thread> lane_threads_;
  std::thread writer_;
  BoundedQueue<CommittedGroup> committed_;
  std::thread syncer_;
  // Chunks submitted whose parts have not all left the lanes: while there
  // are none, nothing more can reach the writer, and it commits at once.
  std::atomic<size_t> chunks_upstream_{0};
  std::atomic<bool> store_failed_{false};
  mutable std::mutex failure_mutex_;
  uint64_t failures_ = 0;  // failures set so far (guarded by failure_mutex_)
  Error store_error_;
  std::once_flag shutdown_once_;
};

}  // namespace vigil
