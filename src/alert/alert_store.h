// Alerts at rest: `alerts.db` (SQLite, WAL) in the data dir. Rows hold only
// sanitized AlertRecords. Thread-safe: the router's writer thread upserts,
// API handlers query and change status.
#pragma once

#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "alert/alert_record.h"
#include "core/error.h"
#include "store/sqlite_database.h"

namespace vigil {

struct AlertQuery {
  std::optional<Timestamp> from;         // on first_seen, inclusive
  std::optional<Timestamp> to;           // on first_seen, exclusive
  std::optional<Severity> severity;      // exactly this severity
  std::optional<Severity> min_severity;  // this severity or above
  std::string rule;                      // rule name or rule id
  std::optional<AlertStatus> status;
  size_t limit = 100;
};

class AlertStore {
 public:
  static Result<std::unique_ptr<AlertStore>> open(const std::filesystem::path& data_dir);

  // Inserts new alerts and updates repeats (count, last_seen, body); never
  // touches status, which belongs to the analyst.
  Result<void> upsert(const std::vector<AlertRecord>& records);
  // Newest first (by first_seen).
  Result<std::vector<AlertRecord>> query(const AlertQuery& q);
  Result<std::optional<AlertRecord>> get(const std::string& id);
  // kNotFound for an unknown id, kInvalidInput for a backwards transition.
  Result<AlertRecord> set_status(const std::string& id, AlertStatus status);
  // Open alerts of severity high or above.
  Result<int64_t> count_active_threats();

 private:
  explicit AlertStore(store::Database db) : db_(std::move(db)) {}
  Result<std::optional<AlertRecord>> get_locked(const std::string& id);

  std::mutex mu_;
  store::Database db_;
};

}  // namespace vigil
