#include "behavior/baseline_store.h"

#include <fmt/format.h>

namespace vigil::behavior {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS baselines (
  entity_type TEXT NOT NULL,
  entity TEXT NOT NULL,
  last_seen INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (entity_type, entity)
);
CREATE INDEX IF NOT EXISTS baselines_last_seen ON baselines(entity_type, last_seen);
)sql";

}  // namespace

Result<std::unique_ptr<BaselineStore>> BaselineStore::open(const std::filesystem::path& data_dir) {
  auto db =
      store::Database::open(data_dir / "behavior.db", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!db) return tl::unexpected(db.error());
  // Baselines are re-learned from events if the last flush is lost: NORMAL.
  for (const char* sql : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL",
                          "PRAGMA busy_timeout=5000", kSchema}) {
    if (auto r = db->exec(sql); !r) return tl::unexpected(r.error());
  }
  return std::unique_ptr<BaselineStore>(new BaselineStore(std::move(*db), data_dir));
}

Result<std::vector<StoredBaseline>> BaselineStore::load(const std::string& entity_type,
                                                        size_t limit) {
  auto st = db_.prepare(
      "SELECT entity, last_seen, body FROM baselines WHERE entity_type = ?1 "
      "ORDER BY last_seen DESC LIMIT ?2");
  if (!st) return tl::unexpected(st.error());
  st->bind(1, entity_type);
  st->bind(2, static_cast<int64_t>(limit));
  std::vector<StoredBaseline> out;
  int rc = 0;
  while ((rc = st->step()) == SQLITE_ROW) {
    out.push_back(StoredBaseline{std::string(st->text(0)), st->int64(1), std::string(st->text(2))});
  }
  if (rc != SQLITE_DONE) return tl::unexpected(db_.error(rc, "reading baselines"));
  return out;
}

Result<std::optional<StoredBaseline>> BaselineStore::find(const std::string& entity_type,
                                                          const std::string& pseudonym) {
  auto st = db_.prepare(
      "SELECT entity, last_seen, body FROM baselines WHERE entity_type = ?1 AND entity = ?2");
  if (!st) return tl::unexpected(st.error());
  st->bind(1, entity_type);
  st->bind(2, pseudonym);
  const int rc = st->step();
  if (rc == SQLITE_DONE) return std::optional<StoredBaseline>();
  if (rc != SQLITE_ROW) return tl::unexpected(db_.error(rc, "reading a baseline"));
  return std::optional<StoredBaseline>(
      StoredBaseline{std::string(st->text(0)), st->int64(1), std::string(st->text(2))});
}

Result<void> BaselineStore::save(const std::string& entity_type,
                                 const std::vector<StoredBaseline>& rows, size_t keep) {
  if (auto r = db_.exec("BEGIN"); !r) return r;
  auto fail = [&](Error e) -> Result<void> {
    (void)db_.exec("ROLLBACK");
    return tl::unexpected(std::move(e));
  };
  auto st = db_.prepare(
      "INSERT INTO baselines (entity_type, entity, last_seen, body) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT(entity_type, entity) DO UPDATE SET last_seen = excluded.last_seen, "
      "body = excluded.body");
  if (!st) return fail(st.error());
  for (const auto& row : rows) {
    st->bind(1, entity_type);
    st->bind(2, row.pseudonym);
    st->bind(3, row.last_seen_s);
    st->bind(4, row.body);
    const int rc = st->step();
    st->reset();
    if (rc != SQLITE_DONE) return fail(db_.error(rc, "writing baselines"));
  }
  auto prune = db_.prepare(
      "DELETE FROM baselines WHERE entity_type = ?1 AND entity NOT IN (SELECT entity FROM "
      "baselines WHERE entity_type = ?1 ORDER BY last_seen DESC LIMIT ?2)");
  if (!prune) return fail(prune.error());
  prune->bind(1, entity_type);
  prune->bind(2, static_cast<int64_t>(keep));
  if (const int rc = prune->step(); rc != SQLITE_DONE)
    return fail(db_.error(rc, "pruning baselines"));
  return db_.exec("COMMIT");
}

}  // namespace vigil::behavior
