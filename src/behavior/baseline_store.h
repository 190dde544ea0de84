// Baselines at rest: `behavior.db` (SQLite, WAL) in the data dir, one row
// per entity keyed by entity type and its pseudonym (the token stored events
// carry), holding encode_baseline()'s JSON. Used by one thread at a time
// (the detector's flusher; loading happens before it starts).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"
#include "store/sqlite_database.h"

namespace vigil::behavior {

struct StoredBaseline {
  std::string pseudonym;
  int64_t last_seen_s = 0;
  std::string body;  // encode_baseline()
};

class BaselineStore {
 public:
  static Result<std::unique_ptr<BaselineStore>> open(const std::filesystem::path& data_dir);

  // The `limit` most recently seen baselines of this entity type.
  Result<std::vector<StoredBaseline>> load(const std::string& entity_type, size_t limit);
  // Upserts in one transaction, then drops rows beyond `keep` (least recently
  // seen first) so the file stays as bounded as memory.
  Result<void> save(const std::string& entity_type, const std::vector<StoredBaseline>& rows,
                    size_t keep);

 private:
  explicit BaselineStore(store::Database db) : db_(std::move(db)) {}
  store::Database db_;
};

}  // namespace vigil::behavior
