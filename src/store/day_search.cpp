#include "store/day_search.h"

#include <algorithm>
#include <optional>

#include "store/day_file.h"
#include "store/day_reader.h"
#include "store/query_cursor.h"
#include "store/query_filter.h"

namespace vigil::store {

Result<EventPage> search_day_files(const std::filesystem::path& dir, const EventQuery& q) {
  const size_t limit = q.limit == 0 ? kDefaultQueryLimit : std::min(q.limit, kMaxQueryLimit);
  const uint64_t fingerprint = query_fingerprint(q);
  std::optional<QueryCursor> cursor;
  if (!q.cursor.empty()) {
    auto c = decode_cursor(q.cursor);
    if (!c) return tl::unexpected(c.error());
    if (c->fingerprint != fingerprint) {
      return make_error(ErrorCode::kInvalidInput, "cursor belongs to a query with other filters");
    }
    cursor = *c;
  }
  EventPage page;
  const QueryFilter filter = make_query_filter(q);
  if (filter.from >= filter.to) return page;
  const int64_t first_day = day_number(Timestamp{filter.from});
  const int64_t last_day = day_number(Timestamp{filter.to - 1});

  auto days = list_day_files(dir);
  if (!days) return tl::unexpected(days.error());
  // One event more than the page: tells whether there is a next page.
  const size_t target = limit + 1;
  std::vector<FoundEvent> found;
  for (int64_t day : *days) {
    if (day > last_day || (cursor && day > cursor->day)) continue;
    if (day < first_day) break;
    auto reader = DayReader::open(dir, day);
    if (!reader) {
      if (reader.error().code == ErrorCode::kNotFound) continue;  // removed by retention
      return tl::unexpected(reader.error());
    }
    std::optional<Posting> before;
    if (cursor && cursor->day == day) before = Posting{cursor->time, cursor->id};
    if (auto r = reader->collect(filter, before, target, found); !r) {
      return tl::unexpected(r.error());
    }
    if (found.size() >= target) break;
  }
  if (found.size() > limit) {
    const FoundEvent& last = found[limit - 1];
    page.next_cursor = encode_cursor({last.day, last.position.time, last.position.id, fingerprint});
    found.resize(limit);
  }
  page.events_json.reserve(found.size());
  for (FoundEvent& f : found) page.events_json.push_back(std::move(f.json));
  return page;
}

}  // namespace vigil::store
