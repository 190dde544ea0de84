#include "alert/alert_store.h"

#include <fmt/format.h>

namespace vigil {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS alerts (
  id TEXT PRIMARY KEY,
  rule_name TEXT NOT NULL,
  rule_id TEXT NOT NULL,
  severity INTEGER NOT NULL,
  status TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  count INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alerts_first_seen ON alerts(first_seen);
CREATE INDEX IF NOT EXISTS alerts_status_severity ON alerts(status, severity);
CREATE INDEX IF NOT EXISTS alerts_rule ON alerts(rule_name);
)sql";

constexpr const char* kColumns =
    "id, rule_name, rule_id, severity, status, first_seen, last_seen, count, body";

AlertRecord read_row(const store::Statement& st) {
  AlertRecord r;
  r.id = st.text(0);
  r.rule_name = st.text(1);
  r.rule_id = st.text(2);
  r.severity = static_cast<Severity>(st.int64(3));
  r.status = parse_alert_status(st.text(4)).value_or(AlertStatus::kOpen);
  r.first_seen = Timestamp{st.int64(5)};
  r.last_seen = Timestamp{st.int64(6)};
  r.count = static_cast<uint64_t>(st.int64(7));
  r.body_json = st.text(8);
  return r;
}

}  // namespace

Result<std::unique_ptr<AlertStore>> AlertStore::open(const std::filesystem::path& data_dir) {
  auto db =
      store::Database::open(data_dir / "alerts.db", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!db) return tl::unexpected(db.error());
  // Alerts are few and re-derivable from stored events: NORMAL is enough.
  for (const char* sql : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL",
                          "PRAGMA busy_timeout=5000", kSchema}) {
    if (auto r = db->exec(sql); !r) return tl::unexpected(r.error());
  }
  return std::unique_ptr<AlertStore>(new AlertStore(std::move(*db)));
}

Result<void> AlertStore::upsert(const std::vector<AlertRecord>& records) {
  std::lock_guard lock(mu_);
  if (auto r = db_.exec("BEGIN"); !r) return r;
  auto st = db_.prepare(fmt::format(
      "INSERT INTO alerts ({}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9) "
      "ON CONFLICT(id) DO UPDATE SET first_seen=MIN(first_seen, excluded.first_seen), "
      "last_seen=MAX(last_seen, excluded.last_seen), count=excluded.count, body=excluded.body",
      kColumns));
  if (!st) {
    (void)db_.exec("ROLLBACK");
    return tl::unexpected(st.error());
  }
  for (const auto& r : records) {
    st->bind(1, r.id);
    st->bind(2, r.rule_name);
    st->bind(3, r.rule_id);
    st->bind(4, static_cast<int64_t>(r.severity));
    st->bind(5, to_string(r.status));
    st->bind(6, r.first_seen.micros);
    st->bind(7, r.last_seen.micros);
    st->bind(8, static_cast<int64_t>(r.count));
    st->bind(9, r.body_json);
    const int rc = st->step();
    st->reset();
    if (rc != SQLITE_DONE) {
      const Error e = db_.error(rc, "storing alerts");
      (void)db_.exec("ROLLBACK");
      return tl::unexpected(e);
    }
  }
  return db_.exec("COMMIT");
}

Result<std::vector<AlertRecord>> AlertStore::query(const AlertQuery& q) {
  std::string sql = fmt::format("SELECT {} FROM alerts WHERE 1=1", kColumns);
  if (q.from) sql += " AND first_seen >= ?1";
  if (q.to) sql += " AND first_seen < ?2";
  if (q.min_severity) sql += " AND severity >= ?3";
  if (q.severity) sql += " AND severity = ?7";
  if (!q.rule.empty()) sql += " AND (rule_name = ?4 OR rule_id = ?4)";
  if (q.status) sql += " AND status = ?5";
  sql += " ORDER BY first_seen DESC, id LIMIT ?6";
  std::lock_guard lock(mu_);
  auto st = db_.prepare(sql);
  if (!st) return tl::unexpected(st.error());
  if (q.from) st->bind(1, q.from->micros);
  if (q.to) st->bind(2, q.to->micros);
  if (q.min_severity) st->bind(3, static_cast<int64_t>(*q.min_severity));
  if (q.severity) st->bind(7, static_cast<int64_t>(*q.severity));
  if (!q.rule.empty()) st->bind(4, q.rule);
  if (q.status) st->bind(5, to_string(*q.status));
  st->bind(6, static_cast<int64_t>(q.limit));
  std::vector<AlertRecord> out;
  int rc;
  while ((rc = st->step()) == SQLITE_ROW) out.push_back(read_row(*st));
  if (rc != SQLITE_DONE) return tl::unexpected(db_.error(rc, "querying alerts"));
  return out;
}

Result<std::optional<AlertRecord>> AlertStore::get(const std::string& id) {
  std::lock_guard lock(mu_);
  return get_locked(id);
}

Result<std::optional<AlertRecord>> AlertStore::get_locked(const std::string& id) {
  auto st = db_.prepare(fmt::format("SELECT {} FROM alerts WHERE id = ?1", kColumns));
  if (!st) return tl::unexpected(st.error());
  st->bind(1, id);
  const int rc = st->step();
  if (rc == SQLITE_ROW) return std::optional<AlertRecord>(read_row(*st));
  if (rc == SQLITE_DONE) return std::optional<AlertRecord>();
  return tl::unexpected(db_.error(rc, "reading an alert"));
}

Result<AlertRecord> AlertStore::set_status(const std::string& id, AlertStatus status) {
  std::lock_guard lock(mu_);
  auto found = get_locked(id);
  if (!found) return tl::unexpected(found.error());
  if (!*found) return make_error(ErrorCode::kNotFound, fmt::format("no alert {}", id));
  AlertRecord r = std::move(**found);
  if (r.status == status) return r;
  if (!can_transition(r.status, status)) {
    return make_error(ErrorCode::kInvalidInput,
                      fmt::format("alert {} is {}: it cannot become {}", id, to_string(r.status),
                                  to_string(status)));
  }
  auto st = db_.prepare("UPDATE alerts SET status = ?1 WHERE id = ?2");
  if (!st) return tl::unexpected(st.error());
  st->bind(1, to_string(status));
  st->bind(2, id);
  if (const int rc = st->step(); rc != SQLITE_DONE) {
    return tl::unexpected(db_.error(rc, "changing an alert's status"));
  }
  r.status = status;
  return r;
}

Result<int64_t> AlertStore::count_active_threats() {
  std::lock_guard lock(mu_);
  auto st = db_.prepare("SELECT count(*) FROM alerts WHERE status = 'open' AND severity >= ?1");
  if (!st) return tl::unexpected(st.error());
  st->bind(1, static_cast<int64_t>(Severity::kHigh));
  if (const int rc = st->step(); rc != SQLITE_ROW) {
    return tl::unexpected(db_.error(rc, "counting alerts"));
  }
  return st->int64(0);
}

}  // namespace vigil
