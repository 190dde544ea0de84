// Indicators persisted in SQLite (`intel.db` under the data directory), so a
// restart keeps every indicator. The in-memory IndicatorStore is the only
// thing lookups touch; this file is written on each source update and read
// once at start-up.
#pragma once

#include <filesystem>
#include <functional>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "intel/indicator.h"
#include "intel/indicator_store.h"
#include "store/sqlite_database.h"

namespace vigil::intel {

inline constexpr std::string_view kIntelDbFile = "intel.db";

class IntelDatabase {
 public:
  // Creates the file and schema when missing.
  static Result<IntelDatabase> open(const std::filesystem::path& file);

  // Replaces every row of `source` with `indicators`, in one transaction.
  Result<void> replace_source(std::string_view source, const std::vector<Indicator>& indicators);
  // The same from a packed feed (its name is the source): a feed import.
  Result<void> replace_source(const PackedFeed& feed);
  // Adds indicators, each replacing its source's row for the same type and
  // value, in one transaction.
  Result<void> upsert(const std::vector<Indicator>& indicators);
  // Deletes the source's row for this type and value.
  Result<void> remove(const Indicator& indicator);
  // Every stored indicator, grouped into the store one source at a time.
  Result<size_t> load_into(IndicatorStore& store);
  // Only the rows that could match `value` (the type inferred): rows of the
  // same value, a domain's parents, every prefix that could cover an address
  // — one indexed query each, so `vigil intel lookup` answers in
  // milliseconds without loading millions of rows. The store then judges
  // them as it judges everything (type, expiry, subdomain entries, allowlist).
  Result<size_t> load_candidates(std::string_view value, IndicatorStore& store);
  // Deletes rows with valid_until <= now; returns how many.
  Result<size_t> delete_expired(Timestamp now);

 private:
  explicit IntelDatabase(store::Database db) : db_(std::move(db)) {}
  Result<void> insert_all(std::string_view source, const std::vector<Indicator>& indicators);
  Result<void> insert_rows(std::string_view source, const std::vector<Indicator>& indicators);
  Result<void> insert_rows(const PackedFeed& feed);
  Result<void> delete_source(std::string_view source);
  Result<void> delete_one(const Indicator& indicator);
  Result<void> in_transaction(const std::function<Result<void>()>& work);

  store::Database db_;
};

}  // namespace vigil::intel
