// Baselines at rest: `behavior.db` (SQLite, WAL) in the data dir, one row
// per entity keyed by entity type and its pseudonym (the token stored events
// carry), holding encode_baseline()'s JSON. Used by one thread at a time
// (the detector's flusher; loading happens before it starts; lookups of
// evicted entities use a connection of their own, see reopen()).
#pragma once

#include <filesystem>
#include <optional>
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
  // One entity's stored baseline, if any.
  Result<std::optional<StoredBaseline>> find(const std::string& entity_type,
                                             const std::string& pseudonym);
  // Another connection to the same file (WAL: it reads while this one writes).
  Result<std::unique_ptr<BaselineStore>> reopen() const { return open(data_dir_); }
  // Upserts in one transaction, then drops rows beyond `keep` (least recently
  // seen first) so the file stays as bounded as memory.
  Result<void> save(const std::string& entity_type, const std::vector<StoredBaseline>& rows,
                    size_t keep);

 private:
  BaselineStore(store::Database db, std::filesystem::path data_dir)
      : db_(std::move(db)), data_dir_(std::move(data_dir)) {}
  store::Database db_;
  std::filesystem::path data_dir_;
};

}  // namespace vigil::behavior
