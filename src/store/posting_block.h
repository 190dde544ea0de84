// The block of a day file the writer is filling: the terms of the events in the events
// table whose posting lists are not written yet. It lives in memory only;
// after a restart it is rebuilt from those rows (the "tail" readers scan directly).
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/severity.h"
#include "store/posting_codec.h"

namespace vigil::store {

class PostingBlock {
 public:
  // Records the terms of one event. Ids must grow from one call to the next.
  void add(int64_t id, int64_t time, Severity severity, std::string_view event_type,
           std::string_view user, std::string_view source_ip);

  size_t events() const { return events_; }
  bool empty() const { return events_ == 0; }
  int64_t first_id() const { return first_id_; }
  int64_t last_id() const { return last_id_; }
  int64_t min_time() const { return min_time_; }
  int64_t max_time() const { return max_time_; }

  // Calls sink once per bucket (posting_codec.h) with its number and encoded row, in
  // bucket order, which is the postings table's key order: appends stay sequential.
  // Returns the block's bucket count; stops at the first error.
  using Sink = std::function<Result<void>(int64_t bucket, std::string_view row)>;
  Result<uint32_t> write_buckets(const Sink& sink);
  void clear();

 private:
  // Terms are grouped as they arrive (open addressing, keyed by the term, which is a hash
  // already): sorting all (term, time, id) entries of a block at the end cost several
  // times more. Lists keep their capacity from block to block.
  static constexpr uint32_t kFree = UINT32_MAX;
  struct Slot {
    int64_t term = 0;
    uint32_t list = kFree;
  };
  void add_term(int64_t term, Posting p);
  void grow();

  std::vector<Slot> slots_;  // power-of-two size, at most half full
  std::vector<std::vector<Posting>> lists_;
  std::vector<int64_t> list_terms_;
  size_t used_lists_ = 0;
  size_t events_ = 0;
  int64_t first_id_ = 0;
  int64_t last_id_ = 0;
  int64_t min_time_ = 0;
  int64_t max_time_ = 0;
};

}  // namespace vigil::store
