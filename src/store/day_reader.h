// The read side of one day file: finds the events matching a query, newest first, from
// one consistent snapshot. Opened per query (read-only connection), so any number of
// readers run beside the writer (WAL) without sharing state.
//
// Search plan inside a file: the posting blocks overlapping the time range are visited
// newest first (by their max time); each block's candidates are the intersection of the
// posting lists of the query's terms; the tail rows (not in a block yet, at most one
// block's worth) are matched by a plain scan. Candidates from all sources are merged by
// (time, id), and each one is verified against the real values in its row.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "store/posting_codec.h"
#include "store/query_filter.h"
#include "store/sqlite_database.h"

namespace vigil::store {

struct FoundEvent {
  int64_t day;
  Posting position;  // (time, id)
  std::string json;
};

class DayReader {
 public:
  // kNotFound when the file does not exist (any more: retention may have removed it).
  static Result<DayReader> open(const std::filesystem::path& dir, int64_t day);

  // Appends matching events older than `before` (all when unset), newest first, until
  // `out` holds `target` events or the file has no more.
  Result<void> collect(const QueryFilter& filter, std::optional<Posting> before, size_t target,
                       std::vector<FoundEvent>& out);

 private:
  struct Block {
    int64_t first_id, last_id, min_time, max_time;
    uint32_t buckets;  // 0: a posting row per term (day_file.h)
  };
  // Candidates ascending, within [lo, hi) and below `before`.
  struct Range {
    int64_t lo, hi;
    std::optional<Posting> before;
    bool contains(const Posting& p) const {
      return p.time >= lo && p.time < hi && (!before || p < *before);
    }
  };

  DayReader(Database db, int64_t day) : db_(std::move(db)), day_(day) {}
  Result<void> search(const QueryFilter& filter, const Range& range, size_t target,
                      std::vector<FoundEvent>& out);
  Result<int64_t> last_posted_id();
  Result<std::vector<Posting>> tail_candidates(const QueryFilter& f, const Range& range,
                                               int64_t posted);
  Result<std::vector<Block>> blocks_in(const Range& range, int schema);
  Result<std::vector<Posting>> block_candidates(const QueryFilter& f, const Range& range,
                                                const Block& b);
  Result<void> read_list(const Block& b, int64_t term, std::vector<Posting>& out);

  Database db_;
  int64_t day_;
  Statement list_stmt_;
  Statement row_stmt_;
};

}  // namespace vigil::store
