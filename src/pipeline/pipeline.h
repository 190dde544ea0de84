// The running engine: workers that process submitted chunks, and one writer
// thread that group-commits their output to the store. A submitter's ticket
// completes only after the store has made its events durable, so an
// acknowledgement is never a promise the disk did not keep.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "pipeline/batch_ticket.h"
#include "pipeline/bounded_queue.h"
#include "pipeline/event_processor.h"
#include "pipeline/stages.h"
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
  struct Processed {
    BatchOutcome outcome;
    std::vector<StoredEvent> events;
    std::shared_ptr<BatchTicket> ticket;
  };

  void worker_loop();
  void writer_loop();
  void write_group(std::vector<Processed>& group);
  void fail_group(std::vector<Processed>& group, const Error& error);
  void apply_retention();
  bool store_healthy();
  void set_store_failure(const Error& error);

  const Config config_;
  const DecoderCatalog decoders_;
  Stages stages_;
  std::unique_ptr<EventStore> store_;
  BoundedQueue<Job> work_;
  BoundedQueue<Processed> written_;
  std::vector<std::thread> workers_;
  std::thread writer_;
  std::atomic<bool> store_failed_{false};
  mutable std::mutex failure_mutex_;
  Error store_error_;
  std::once_flag shutdown_once_;
};

}  // namespace vigil
