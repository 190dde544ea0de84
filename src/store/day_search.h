// query() of the SQLite store: walks the day files newest first, opening only those whose
// day overlaps the query's time range, one at a time (SQLite attaches at most 10 files),
// and pages with a cursor that records where the last page ended.
#pragma once

#include <filesystem>

#include "store/event_store.h"

namespace vigil::store {

Result<EventPage> search_day_files(const std::filesystem::path& dir, const EventQuery& q);

}  // namespace vigil::store
