#include "intel/intel_database.h"

#include <fmt/format.h>

#include <map>
#include <optional>

#include "intel/ip_prefix.h"
#include "intel/normalize.h"

namespace vigil::intel {
namespace {

// Tags are joined with the ASCII unit separator, which no feed puts in a tag.
constexpr char kTagSeparator = '\x1f';

constexpr const char* kSchema = R"sql(
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS indicators (
  source TEXT NOT NULL,
  type TEXT NOT NULL,
  value TEXT NOT NULL,
  include_subdomains INTEGER NOT NULL,
  severity INTEGER NOT NULL,
  confidence INTEGER NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  valid_until INTEGER NOT NULL,
  tags TEXT NOT NULL,
  description TEXT NOT NULL,
  reference TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS indicators_by_source ON indicators(source);
CREATE INDEX IF NOT EXISTS indicators_by_value ON indicators(value);
)sql";

std::string join_tags(const std::vector<std::string>& tags) {
  std::string out;
  for (const auto& t : tags) {
    if (!out.empty()) out += kTagSeparator;
    out += t;
  }
  return out;
}

void split_tags(std::string_view s, std::vector<std::string>& out) {
  out.clear();
  while (!s.empty()) {
    const size_t sep = s.find(kTagSeparator);
    out.emplace_back(s.substr(0, sep));
    if (sep == std::string_view::npos) break;
    s.remove_prefix(sep + 1);
  }
}

// Into `i`, reused from row to row so that its strings keep their capacity:
// start-up reads millions of rows.
Result<void> read_row(const store::Statement& st, Indicator& i) {
  i.source = st.text(0);
  const auto type = parse_indicator_type(st.text(1));
  if (!type) return make_error(ErrorCode::kStorage, fmt::format("unknown type '{}'", st.text(1)));
  i.type = *type;
  i.value = st.text(2);
  i.include_subdomains = st.int64(3) != 0;
  i.severity = static_cast<Severity>(std::clamp<int64_t>(st.int64(4), 0, kSeverityCount - 1));
  i.confidence = static_cast<int>(st.int64(5));
  i.first_seen = Timestamp{st.int64(6)};
  i.last_seen = Timestamp{st.int64(7)};
  i.valid_until = Timestamp{st.int64(8)};
  split_tags(st.text(9), i.tags);
  i.description = st.text(10);
  i.reference = st.text(11);
  return {};
}

}  // namespace

Result<IntelDatabase> IntelDatabase::open(const std::filesystem::path& file) {
  auto db = store::Database::open(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!db) return tl::unexpected(db.error());
  if (auto ok = db->exec(kSchema); !ok) return tl::unexpected(ok.error());
  return IntelDatabase(std::move(*db));
}

Result<void> IntelDatabase::in_transaction(const std::function<Result<void>()>& work) {
  if (auto ok = db_.exec("BEGIN IMMEDIATE"); !ok) return ok;
  auto done = work();
  if (!done) {
    (void)db_.exec("ROLLBACK");
    return done;
  }
  return db_.exec("COMMIT");
}

Result<void> IntelDatabase::replace_source(std::string_view source,
                                           const std::vector<Indicator>& indicators) {
  return in_transaction([&] { return insert_all(source, indicators); });
}

Result<void> IntelDatabase::delete_one(const Indicator& indicator) {
  auto del = db_.prepare("DELETE FROM indicators WHERE source = ? AND type = ? AND value = ?");
  if (!del) return tl::unexpected(del.error());
  del->bind(1, indicator.source);
  del->bind(2, to_string(indicator.type));
  del->bind(3, indicator.value);
  if (const int rc = del->step(); rc != SQLITE_DONE) {
    return tl::unexpected(db_.error(rc, "deleting an indicator"));
  }
  return {};
}

Result<void> IntelDatabase::upsert(const std::vector<Indicator>& indicators) {
  return in_transaction([&]() -> Result<void> {
    for (const Indicator& indicator : indicators) {
      if (auto ok = delete_one(indicator); !ok) return ok;
      if (auto ok = insert_rows(indicator.source, {indicator}); !ok) return ok;
    }
    return {};
  });
}

Result<void> IntelDatabase::remove(const Indicator& indicator) {
  return in_transaction([&] { return delete_one(indicator); });
}

Result<void> IntelDatabase::delete_source(std::string_view source) {
  auto del = db_.prepare("DELETE FROM indicators WHERE source = ?");
  if (!del) return tl::unexpected(del.error());
  del->bind(1, source);
  if (const int rc = del->step(); rc != SQLITE_DONE) {
    return tl::unexpected(db_.error(rc, "deleting a source"));
  }
  return {};
}

Result<void> IntelDatabase::insert_all(std::string_view source,
                                       const std::vector<Indicator>& indicators) {
  if (auto ok = delete_source(source); !ok) return ok;
  return insert_rows(source, indicators);
}

Result<void> IntelDatabase::replace_source(const PackedFeed& feed) {
  return in_transaction([&]() -> Result<void> {
    if (auto ok = delete_source(feed.name()); !ok) return ok;
    return insert_rows(feed);
  });
}

Result<void> IntelDatabase::insert_rows(const PackedFeed& feed) {
  auto ins = db_.prepare("INSERT INTO indicators VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!ins) return tl::unexpected(ins.error());
  std::string tags;
  for (size_t n = 0; n < feed.size(); ++n) {
    const IndicatorRef i = feed[n];
    tags.clear();
    i.for_each_tag([&](std::string_view t) {
      if (!tags.empty()) tags += kTagSeparator;
      tags += t;
    });
    ins->bind(1, feed.name());
    ins->bind(2, to_string(i.type()));
    ins->bind(3, i.value());
    ins->bind(4, int64_t{i.include_subdomains()});
    ins->bind(5, static_cast<int64_t>(i.severity()));
    ins->bind(6, int64_t{i.confidence()});
    ins->bind(7, i.first_seen().micros);
    ins->bind(8, i.last_seen().micros);
    ins->bind(9, i.valid_until().micros);
    ins->bind(10, tags);
    ins->bind(11, i.description());
    ins->bind(12, i.reference());
    if (const int rc = ins->step(); rc != SQLITE_DONE) {
      return tl::unexpected(db_.error(rc, "inserting an indicator"));
    }
    ins->reset();
  }
  return {};
}

Result<void> IntelDatabase::insert_rows(std::string_view source,
                                        const std::vector<Indicator>& indicators) {
  auto ins = db_.prepare("INSERT INTO indicators VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!ins) return tl::unexpected(ins.error());
  for (const Indicator& i : indicators) {
    const std::string tags = join_tags(i.tags);
    ins->bind(1, source);
    ins->bind(2, to_string(i.type));
    ins->bind(3, i.value);
    ins->bind(4, int64_t{i.include_subdomains});
    ins->bind(5, static_cast<int64_t>(i.severity));
    ins->bind(6, int64_t{i.confidence});
    ins->bind(7, i.first_seen.micros);
    ins->bind(8, i.last_seen.micros);
    ins->bind(9, i.valid_until.micros);
    ins->bind(10, tags);
    ins->bind(11, i.description);
    ins->bind(12, i.reference);
    if (const int rc = ins->step(); rc != SQLITE_DONE) {
      return tl::unexpected(db_.error(rc, "inserting an indicator"));
    }
    ins->reset();
  }
  return {};
}

Result<size_t> IntelDatabase::load_into(IndicatorStore& store) {
  // Sizes first, so that each source's records are allocated once.
  std::map<std::string, size_t, std::less<>> counts;
  {
    auto st = db_.prepare("SELECT source, COUNT(*) FROM indicators GROUP BY source");
    if (!st) return tl::unexpected(st.error());
    int rc = SQLITE_ROW;
    while ((rc = st->step()) == SQLITE_ROW) {
      counts.emplace(st->text(0), static_cast<size_t>(st->int64(1)));
    }
    if (rc != SQLITE_DONE) return tl::unexpected(db_.error(rc, "counting indicators"));
  }
  auto st = db_.prepare("SELECT * FROM indicators ORDER BY source");
  if (!st) return tl::unexpected(st.error());
  // Packed one row at a time: 10 M rows never exist as 10 M Indicators.
  std::vector<std::shared_ptr<const PackedFeed>> feeds;
  std::optional<PackedFeed::Builder> feed;
  Indicator row;
  size_t n = 0;
  int rc = SQLITE_ROW;
  while ((rc = st->step()) == SQLITE_ROW) {
    if (auto ok = read_row(*st, row); !ok) return tl::unexpected(ok.error());
    if (!feed || feed->name() != row.source) {
      if (feed) feeds.push_back(feed->finish());
      feed.emplace(row.source);
      if (auto it = counts.find(row.source); it != counts.end()) feed->reserve(it->second, 0);
    }
    feed->add(row);
    ++n;
  }
  if (rc != SQLITE_DONE) return tl::unexpected(db_.error(rc, "reading indicators"));
  if (feed) feeds.push_back(feed->finish());
  store.replace_packed(std::move(feeds));
  return n;
}

namespace {

// The stored values that could match `n`: itself, a domain's parents, every
// prefix (as stored: a full-length one is the bare address) covering an address.
std::vector<std::string> candidate_values(const NormalizedValue& n) {
  std::vector<std::string> out;
  if (auto p = IpPrefix::parse(n.value); p && n.type != IndicatorType::kDomain) {
    for (int len = p->length; len >= 0; --len) {
      out.push_back(IpPrefix{p->v6, p->bits & prefix_mask(p->v6, len), len}.to_string());
    }
    return out;
  }
  out.push_back(n.value);
  if (n.type != IndicatorType::kDomain) return out;
  for (std::string_view v = n.value; v.find('.') != std::string_view::npos;) {
    v.remove_prefix(v.find('.') + 1);
    out.emplace_back(v);
  }
  return out;
}

}  // namespace

Result<size_t> IntelDatabase::load_candidates(std::string_view value, IndicatorStore& store) {
  auto normalized = normalize_indicator(value);
  if (!normalized) return tl::unexpected(normalized.error());
  auto st = db_.prepare("SELECT * FROM indicators WHERE value = ?");
  if (!st) return tl::unexpected(st.error());
  std::map<std::string, std::vector<Indicator>> by_source;
  size_t n = 0;
  for (const std::string& candidate : candidate_values(*normalized)) {
    st->bind(1, candidate);
    int rc = SQLITE_ROW;
    while ((rc = st->step()) == SQLITE_ROW) {
      Indicator row;
      if (auto ok = read_row(*st, row); !ok) return tl::unexpected(ok.error());
      by_source[row.source].push_back(std::move(row));
      ++n;
    }
    if (rc != SQLITE_DONE) return tl::unexpected(db_.error(rc, "reading indicators"));
    st->reset();
  }
  store.replace_sources(std::move(by_source));
  return n;
}

Result<size_t> IntelDatabase::delete_expired(Timestamp now) {
  auto st = db_.prepare("DELETE FROM indicators WHERE valid_until <= ?");
  if (!st) return tl::unexpected(st.error());
  st->bind(1, now.micros);
  if (const int rc = st->step(); rc != SQLITE_DONE) {
    return tl::unexpected(db_.error(rc, "deleting expired indicators"));
  }
  return static_cast<size_t>(sqlite3_changes(db_.get()));
}

}  // namespace vigil::intel
