#include "store/day_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <iterator>
#include <queue>

#include "store/day_file.h"
#include "store/document_facts.h"

namespace vigil::store {

Result<DayReader> DayReader::open(const std::filesystem::path& dir, int64_t day) {
  const std::filesystem::path path = day_file_path(dir, day);
  auto missing = [&] { return make_error(ErrorCode::kNotFound, path.string() + ": no such file"); };
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return missing();
  auto db = Database::open(path, SQLITE_OPEN_READONLY);
  if (!db) return std::filesystem::exists(path, ec) ? tl::unexpected(db.error()) : missing();
  if (auto r = schema_version(*db); !r) return tl::unexpected(r.error());
  if (auto r = db->exec("PRAGMA temp_store = MEMORY;"); !r) {
    return tl::unexpected(r.error());
  }
  return DayReader(std::move(*db), day);
}

Result<void> DayReader::collect(const QueryFilter& filter, std::optional<Posting> before,
                                size_t target, std::vector<FoundEvent>& out) {
  const Range range{std::max(filter.from, day_begin(day_).micros),
                    std::min(filter.to, day_begin(day_ + 1).micros), before};
  if (range.lo >= range.hi || out.size() >= target) return {};
  // One read transaction: blocks, postings, tail and rows all come from one snapshot,
  // however many batches the writer commits meanwhile.
  if (auto r = db_.exec("BEGIN"); !r) return r;
  auto result = search(filter, range, target, out);
  (void)db_.exec("COMMIT");
  return result;
}

Result<void> DayReader::search(const QueryFilter& filter, const Range& range, size_t target,
                               std::vector<FoundEvent>& out) {
  auto posted = last_posted_id();
  if (!posted) return tl::unexpected(posted.error());
  auto tail = tail_candidates(filter, range, *posted);
  if (!tail) return tl::unexpected(tail.error());
  // Read again inside the snapshot: a writer may have upgraded the file since open().
  auto schema = schema_version(db_);
  if (!schema) return tl::unexpected(schema.error());
  auto blocks = blocks_in(range, *schema);
  if (!blocks) return tl::unexpected(blocks.error());
  auto list = db_.prepare("SELECT entries FROM postings WHERE block = ? AND term = ?");
  auto row = db_.prepare(
      "SELECT time, severity, event_type, user, source_ip, doc, received, time_from_receive "
      "FROM events WHERE id = ?");
  if (!list) return tl::unexpected(list.error());
  if (!row) return tl::unexpected(row.error());
  list_stmt_ = std::move(*list);
  row_stmt_ = std::move(*row);

  // Sources are ascending candidate lists consumed from the back; the heap holds each
  // source's newest remaining candidate.
  std::vector<std::vector<Posting>> sources;
  std::priority_queue<std::pair<Posting, size_t>> heap;
  auto add_source = [&](std::vector<Posting> v) {
    if (v.empty()) return;
    heap.emplace(v.back(), sources.size());
    sources.push_back(std::move(v));
  };
  add_source(std::move(*tail));
  size_t next_block = 0;
  while (out.size() < target) {
    // A block whose max time reaches the best candidate may hold a newer one (ties
    // included: a later id at the same time), so it is opened first.
    while (next_block < blocks->size() &&
           (heap.empty() || (*blocks)[next_block].max_time >= heap.top().first.time)) {
      auto c = block_candidates(filter, range, (*blocks)[next_block++]);
      if (!c) return tl::unexpected(c.error());
      add_source(std::move(*c));
    }
    if (heap.empty()) break;
    const auto [pos, src] = heap.top();
    heap.pop();
    sources[src].pop_back();
    if (!sources[src].empty()) heap.emplace(sources[src].back(), src);

    row_stmt_.bind(1, pos.id);
    const int rc = row_stmt_.step();
    // A missing row was deleted again by a failed multi-day batch: not a match.
    if (rc == SQLITE_ROW && row_stmt_.int64(0) == pos.time &&
        filter.matches_row(row_stmt_.int64(1), row_stmt_.text(2), row_stmt_.text(3),
                           row_stmt_.text(4))) {
      out.push_back({day_, pos, std::string(row_stmt_.text(5))});
      if (!documents_hold_facts(*schema)) {
        add_document_facts(out.back().json,
                           {static_cast<Severity>(row_stmt_.int64(1)), row_stmt_.int64(7) != 0,
                            Timestamp{row_stmt_.int64(6)}});
      }
    }
    row_stmt_.reset();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
      return tl::unexpected(db_.error(rc, "reading an event"));
  }
  return {};
}

Result<int64_t> DayReader::last_posted_id() {
  auto stmt = db_.prepare("SELECT last_id FROM blocks ORDER BY first_id DESC LIMIT 1");
  if (!stmt) return tl::unexpected(stmt.error());
  const int rc = stmt->step();
  if (rc == SQLITE_DONE) return 0;
  if (rc != SQLITE_ROW) return tl::unexpected(db_.error(rc, "reading blocks"));
  return stmt->int64(0);
}

Result<std::vector<Posting>> DayReader::tail_candidates(const QueryFilter& f, const Range& range,
                                                        int64_t posted) {
  // The tail is at most about one block of rows: a scan with the real values is cheap.
  std::string sql = "SELECT time, id FROM events WHERE id > ?1 AND time >= ?2 AND time < ?3";
  if (!f.event_type.empty()) sql += " AND event_type = ?4";
  if (!f.user.empty()) sql += " AND user = ?5";
  if (!f.source_ip.empty()) sql += " AND source_ip = ?6";
  if (f.min_severity > 0) sql += " AND severity >= ?7";
  auto stmt = db_.prepare(sql);
  if (!stmt) return tl::unexpected(stmt.error());
  stmt->bind(1, posted);
  stmt->bind(2, range.lo);
  stmt->bind(3, range.hi);
  if (!f.event_type.empty()) stmt->bind(4, f.event_type);
  if (!f.user.empty()) stmt->bind(5, f.user);
  if (!f.source_ip.empty()) stmt->bind(6, f.source_ip);
  if (f.min_severity > 0) stmt->bind(7, int64_t{f.min_severity});
  std::vector<Posting> found;
  int rc;
  while ((rc = stmt->step()) == SQLITE_ROW) {
    const Posting p{stmt->int64(0), stmt->int64(1)};
    if (range.contains(p)) found.push_back(p);
  }
  if (rc != SQLITE_DONE) return tl::unexpected(db_.error(rc, "scanning the tail"));
  std::sort(found.begin(), found.end());
  return found;
}

Result<std::vector<DayReader::Block>> DayReader::blocks_in(const Range& range, int schema) {
  const int64_t hi = range.before ? std::min(range.hi, range.before->time + 1) : range.hi;
  // Version 1 has no buckets column: its blocks hold a row per term (buckets = 0).
  auto stmt = db_.prepare(fmt::format(
      "SELECT first_id, last_id, min_time, max_time, {} FROM blocks WHERE max_time >= ? AND "
      "min_time < ? ORDER BY max_time DESC, first_id DESC",
      schema >= 2 ? "buckets" : "0"));
  if (!stmt) return tl::unexpected(stmt.error());
  stmt->bind(1, range.lo);
  stmt->bind(2, hi);
  std::vector<Block> blocks;
  int rc;
  while ((rc = stmt->step()) == SQLITE_ROW) {
    const int64_t buckets = stmt->int64(4);
    // 0 (a row per term) or a power of two: anything else is not a block vigil wrote.
    const bool valid = buckets == 0 || (buckets > 0 && buckets <= UINT32_MAX &&
                                        std::has_single_bit(static_cast<uint64_t>(buckets)));
    if (!valid) {
      return make_error(ErrorCode::kStorage,
                        fmt::format("{}: block {} has {} posting buckets", day_file_name(day_),
                                    stmt->int64(0), buckets));
    }
    blocks.push_back({stmt->int64(0), stmt->int64(1), stmt->int64(2), stmt->int64(3),
                      static_cast<uint32_t>(buckets)});
  }
  if (rc != SQLITE_DONE) return tl::unexpected(db_.error(rc, "reading blocks"));
  return blocks;
}

Result<std::vector<Posting>> DayReader::block_candidates(const QueryFilter& f, const Range& range,
                                                         const Block& b) {
  static const std::vector<std::vector<int64_t>> kEverything = {{all_term()}};
  const auto& groups = f.term_groups.empty() ? kEverything : f.term_groups;
  std::vector<Posting> result;
  std::vector<Posting> group_list;
  for (size_t g = 0; g < groups.size(); ++g) {
    group_list.clear();
    for (int64_t term : groups[g]) {
      auto r = read_list(b, term, group_list);
      if (!r) return tl::unexpected(r.error());
    }
    // Lists of one group are disjoint (an event has one severity): sort is a merge.
    if (groups[g].size() > 1) std::sort(group_list.begin(), group_list.end());
    if (g == 0) {
      result.swap(group_list);
    } else {
      std::vector<Posting> both;
      std::set_intersection(result.begin(), result.end(), group_list.begin(), group_list.end(),
                            std::back_inserter(both));
      result.swap(both);
    }
    if (result.empty()) break;
  }
  std::erase_if(result, [&](const Posting& p) { return !range.contains(p); });
  return result;
}

Result<void> DayReader::read_list(const Block& b, int64_t term, std::vector<Posting>& out) {
  list_stmt_.bind(1, b.first_id);
  list_stmt_.bind(2, b.buckets == 0 ? term : int64_t{bucket_of(term, b.buckets)});
  const int rc = list_stmt_.step();
  bool ok = true;
  if (rc == SQLITE_ROW) {
    std::optional<std::string_view> list = list_stmt_.blob(0);
    if (b.buckets != 0) list = find_in_bucket(*list, term);
    ok = list && decode_postings(*list, out);
  }
  list_stmt_.reset();
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return tl::unexpected(db_.error(rc, "reading postings"));
  if (!ok) {
    return make_error(ErrorCode::kStorage,
                      fmt::format("{}: corrupt posting list (block {}, term {})",
                                  day_file_name(day_), b.first_id, term));
  }
  return {};
}

}  // namespace vigil::store
