// Day files: one SQLite database per UTC day, `security-events-YYYY.MM.DD.db` (the seed's
// daily indices). Names sort chronologically; retention deletes whole files.
//
// Schema (version 3), in every day file:
//   events(id INTEGER PRIMARY KEY, time, received, time_from_receive, severity,
//          event_type, user, source_ip, doc)          -- append-only, id = arrival order
//   blocks(first_id INTEGER PRIMARY KEY, last_id, min_time, max_time, buckets)
//   postings(block, term, entries BLOB, PRIMARY KEY(block, term)) WITHOUT ROWID
// Rows with id > max(blocks.last_id) are the "tail": not in any posting list yet.
// A block with buckets > 0 keeps its lists in that many rows, `term` holding the bucket
// number and `entries` an encoded bucket (posting_codec.h); with buckets = 0 (every
// block of version 1, which had no such column) a row per term holds that term's list.
// `doc` is the sanitized document; up to version 2 it ends with vigil's facts about the
// event ("vigil"), from version 3 on they are only in the row's columns
// (document_facts.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/timestamp.h"
#include "store/sqlite_database.h"

namespace vigil::store {

inline constexpr int64_t kMicrosPerDay = 86'400'000'000;
inline constexpr int kSchemaVersion = 3;  // what new files get
// Files of older versions are still read; a writer opening a version-1 file upgrades it
// to 2 and keeps writing a version-2 file's documents with their facts.
inline constexpr int kOldestReadableSchema = 1;

// From this version on, vigil's facts about an event are only the row's columns.
inline constexpr int kFirstSchemaWithoutFacts = 3;

// Whether a file of this version keeps vigil's facts inside each document.
constexpr bool documents_hold_facts(int version) {
  return version < kFirstSchemaWithoutFacts;
}

// Days since 1970-01-01 (UTC) of the day containing t.
int64_t day_number(Timestamp t);
Timestamp day_begin(int64_t day);
std::string day_file_name(int64_t day);
std::optional<int64_t> parse_day_file_name(std::string_view name);
std::filesystem::path day_file_path(const std::filesystem::path& dir, int64_t day);

// Days that have a file in dir, newest first; a missing dir has none.
Result<std::vector<int64_t>> list_day_files(const std::filesystem::path& dir);

// Creates the day file with its schema unless it exists. A file is created under a
// temporary name and renamed into place, so readers never see a file without schema.
Result<void> ensure_day_file(const std::filesystem::path& dir, int64_t day);

// The open file's schema version; kStorage unless it is one this vigil reads.
Result<int> schema_version(Database& db);
// Brings a version-1 file to version 2 (a writer's first step); the file's version after.
Result<int> upgrade_schema(Database& db);

// Removes the file and its -wal/-shm companions; true if the main file existed.
Result<bool> remove_day_file(const std::filesystem::path& dir, int64_t day);

// Days whose file name can represent them (years 0000-9999).
bool is_storable_day(int64_t day);

}  // namespace vigil::store
