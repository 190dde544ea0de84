// An EventQuery prepared for the day files: the time range as numbers, and the posting
// terms an event must carry. Built once per query, shared by the day readers.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "store/event_store.h"

namespace vigil::store {

struct QueryFilter {
  int64_t from = std::numeric_limits<int64_t>::min();  // inclusive, micros
  int64_t to = std::numeric_limits<int64_t>::max();    // exclusive, micros
  std::string event_type;                              // empty = any
  std::string user;
  std::string source_ip;
  int min_severity = 0;
  // An event matches when, for every group, it carries at least one of the group's terms
  // (groups intersect; terms inside a group unite: the severity levels >= min_severity).
  // No group at all means "every event".
  std::vector<std::vector<int64_t>> term_groups;

  // Exact check against a stored row: posting terms are hashes, this is the real value.
  bool matches_row(int64_t severity, std::string_view event_type_value, std::string_view user_value,
                   std::string_view source_ip_value) const;
};

QueryFilter make_query_filter(const EventQuery& q);

// Identifies the filters of a query (not its limit or cursor): a cursor only continues
// the query it came from.
uint64_t query_fingerprint(const EventQuery& q);

}  // namespace vigil::store
