// Least-recently-seen order for a bounded table of entity records, without
// a linked list. Each sighting stamps the record with the next number and
// appends (record, number) to a log; the oldest entry whose number the
// record still carries names the least recently seen record, and the others
// are stale. A list splice per sighting wrote three list nodes spread over
// the heap (the record's and its two neighbours', cache misses with
// thousands of entities); the log's tail stays in cache, and the stale
// entries are dropped in one sequential pass once they outnumber the live.
//
// Record: any type with a `uint64_t recency` member. A record must leave
// its table only through pop_oldest(), so that no entry outlives it (its
// stale entries are older than its live one and were popped before it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

namespace vigil::behavior {

template <class Record>
class RecencyLog {
 public:
  void touch(Record& record) {
    record.recency = ++clock_;
    log_.push_back(Entry{&record, clock_});
  }

  // The least recently seen record, whose entries leave the log with it.
  // There must be one (a table calls this when full).
  Record& pop_oldest() {
    for (;;) {
      const Entry e = log_.front();
      log_.pop_front();
      if (live(e)) return *e.record;
    }
  }

  // Drops the stale entries once the log holds more than twice `live_records`
  // (plus some slack): each sighting pays for about one entry's check.
  void compact(size_t live_records) {
    if (log_.size() <= 2 * live_records + kSlack) return;
    std::erase_if(log_, [](const Entry& e) { return !live(e); });
  }

  // Calls f(record) for each record, most recently seen first.
  template <class F>
  void for_each_newest_first(F&& f) const {
    for (auto it = log_.rbegin(); it != log_.rend(); ++it) {
      if (live(*it)) f(static_cast<const Record&>(*it->record));
    }
  }

 private:
  struct Entry {
    Record* record;
    uint64_t stamp;
  };
  static constexpr size_t kSlack = 256;
  static bool live(const Entry& e) { return e.record->recency == e.stamp; }

  std::deque<Entry> log_;
  uint64_t clock_ = 0;
};

}  // namespace vigil::behavior
