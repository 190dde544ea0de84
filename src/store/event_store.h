// The event store: where sanitized events go to be searched later.
//
// What it offers:
//  * write(batch)       - stores a batch durably (one transaction per day touched); called
//                         from one writer thread that gathers many requests into a batch.
//  * write_unsynced(batch), sync()
//                       - the same in two steps, the second on another thread: the next
//                         batch is written while this one reaches the disk.
//  * query(q)           - newest-first search by time range, event type, user, source IP and
//                         minimum severity, paged with an opaque cursor; safe to call from
//                         many threads at once, also while write() runs.
//  * apply_retention()  - drops whole days older than the configured retention.
//  * check_health()     - can we write right now? (/readyz, and resuming after a full disk)
//
// Implementations are picked by the config's `type:` string through make_event_store():
// "sqlite" (embedded default: one SQLite file per UTC day). ClickHouse comes later.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/error.h"
#include "core/severity.h"
#include "core/timestamp.h"

namespace vigil {

// One event as the store keeps it. Everything here is already sanitized by the caller:
// the store never sees raw values.
struct StoredEvent {
  Timestamp time;  // event time, UTC; decides the day the event is filed under
  Timestamp received;
  bool time_from_receive = false;
  Severity severity = Severity::kInfo;
  std::string event_type;  // may be empty
  std::string user;        // sanitized/pseudonymized value, may be empty
  std::string source_ip;   // sanitized value, may be empty
  // The sanitized event document without vigil's facts about it (severity, time
  // source, receive time: the fields above): a store adds them back under "vigil"
  // when it hands the document out (store/document_facts.h).
  std::string json;
};

inline constexpr size_t kDefaultQueryLimit = 100;
inline constexpr size_t kMaxQueryLimit = 1000;

struct EventQuery {
  std::optional<Timestamp> from;  // inclusive: time >= from
  std::optional<Timestamp> to;    // exclusive: time < to
  std::string event_type;         // exact match; empty = any
  std::string user;               // exact match on the stored (sanitized) value; empty = any
  std::string source_ip;          // exact match on the stored (sanitized) value; empty = any
  std::optional<Severity> min_severity;
  size_t limit = kDefaultQueryLimit;  // 0 = default; above kMaxQueryLimit = kMaxQueryLimit
  std::string cursor;                 // next_cursor of the previous page, with the same filters
};

struct EventPage {
  std::vector<std::string> events_json;  // newest first (event time, then arrival order)
  std::string next_cursor;               // empty = no more events
};

class EventStore {
 public:
  virtual ~EventStore() = default;

  // Returns only once the batch is durable. Errors: kStorageFull when the disk (or the
  // store's quota) is full, kStorage otherwise; on error no event of the batch is to be
  // considered stored (the caller keeps and retries it).
  [[nodiscard]] virtual Result<void> write(std::span<const StoredEvent> batch) = 0;
  // write() in two steps, so that one batch reaches the disk while the next is written:
  // write_unsynced() returns once the batch is committed, sync() once every batch
  // committed before the call is durable. A batch is acknowledged only after both
  // succeeded. sync() may run on another thread, beside write_unsynced(); calls to sync()
  // wait for each other (one returns only once every flush it relies on is done). When sync()
  // fails, the batches it covered are not to be considered stored (they may be found
  // in the store later: a retry can duplicate them). By default write_unsynced() is
  // write() and sync() has nothing left to do.
  [[nodiscard]] virtual Result<void> write_unsynced(std::span<const StoredEvent> batch) {
    return write(batch);
  }
  [[nodiscard]] virtual Result<void> sync() { return {}; }
  // kInvalidInput for a malformed or foreign cursor.
  [[nodiscard]] virtual Result<EventPage> query(const EventQuery& q) = 0;
  // Deletes the days older than retention_days before `now` (0 keeps everything).
  // Returns the number of day files removed.
  [[nodiscard]] virtual Result<size_t> apply_retention(Timestamp now) = 0;
  // OK when a write can succeed now; kStorageFull while the disk is (nearly) full.
  [[nodiscard]] virtual Result<void> check_health() = 0;
};

// type: "sqlite". Unknown types are a kConfig error naming the known ones.
Result<std::unique_ptr<EventStore>> make_event_store(const std::string& type,
                                                     const StorageConfig& config);

}  // namespace vigil
