// `vigil intel import` and `vigil intel lookup`: the threat-intelligence store
// from the command line, on the same intel.db under the data directory that
// `vigil run` and `vigil replay` use.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>

#include "app/commands.h"
#include "app/config_loading.h"
#include "intel/feed_reader.h"
#include "intel/indicator_store.h"
#include "intel/intel_database.h"

namespace vigil {
namespace {

// Problems beyond this are summarized: a broken 1M-line feed must not flood
// the terminal.
constexpr size_t kProblemsShown = 20;

std::optional<intel::IntelDatabase> open_intel_db(const Overrides& overrides) {
  auto config = load_effective_config(overrides);
  if (!config) return std::nullopt;
  const std::filesystem::path dir = config->storage.data_dir;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  auto db = intel::IntelDatabase::open(dir / intel::kIntelDbFile);
  if (!db) {
    fmt::print(stderr, "vigil: {}\n", db.error().message);
    return std::nullopt;
  }
  return std::move(*db);
}

Result<intel::FeedOptions> feed_options(const IntelImportArgs& args) {
  intel::FeedOptions o;
  o.source = args.source.empty()
                 ? args.format + ":" + std::filesystem::path(args.file).filename().string()
                 : args.source;
  o.now = Timestamp::now();
  if (!args.severity.empty()) {
    const auto s = parse_severity(args.severity);
    if (!s)
      return make_error(ErrorCode::kConfig, fmt::format("unknown severity '{}'", args.severity));
    o.severity = *s;
  }
  if (args.confidence >= 0) o.confidence = std::min(args.confidence, 100);
  if (!args.type.empty()) {
    o.type = intel::parse_indicator_type(args.type);
    if (!o.type)
      return make_error(ErrorCode::kConfig, fmt::format("unknown indicator type '{}'", args.type));
  }
  if (args.format == "csv") {
    if (args.preset.empty()) {
      return make_error(ErrorCode::kConfig,
                        "csv needs --preset (feodo, urlhaus, threatfox, malwarebazaar, phishtank)");
    }
    auto preset = intel::csv_preset(args.preset);
    if (!preset)
      return make_error(ErrorCode::kConfig, fmt::format("unknown csv preset '{}'", args.preset));
    o.csv = std::move(*preset);
  }
  return o;
}

void print_import_report(const intel::FeedReport& r, const std::string& source, size_t purged) {
  fmt::print("source {}: {} entries read, {} indicators imported, {} skipped\n", source, r.records,
             r.size(), r.skipped_total());
  for (const auto& [reason, count] : r.skipped) fmt::print("  skipped {}: {}\n", count, reason);
  if (r.declared_count) fmt::print("  the feed declares {} entries\n", *r.declared_count);
  for (size_t i = 0; i < r.problems.size() && i < kProblemsShown; ++i) {
    const auto& p = r.problems[i];
    if (p.line > 0) {
      fmt::print("  line {}: {}\n", p.line, p.message);
    } else {
      fmt::print("  {}\n", p.message);
    }
  }
  if (r.problems.size() > kProblemsShown) {
    fmt::print("  ... {} more problems\n", r.problems.size() - kProblemsShown);
  }
  if (purged > 0) fmt::print("purged {} expired indicators\n", purged);
}

void print_lookup(const intel::LookupResult& r) {
  fmt::print("{} ({}): severity {}, confidence {}, first seen {}, last seen {}\n", r.value,
             intel::to_string(r.type), to_string(r.severity), r.confidence,
             format_rfc3339(r.first_seen), format_rfc3339(r.last_seen));
  fmt::print("sources: {}\n", fmt::join(r.sources, ", "));
  if (!r.tags.empty()) fmt::print("tags: {}\n", fmt::join(r.tags, ", "));
  for (const auto& m : r.matches) {
    fmt::print("  {}: {} {} severity {} confidence {} valid until {}{}{}\n", m.source,
               intel::to_string(m.type), m.value, to_string(m.severity), m.confidence,
               format_rfc3339(m.valid_until), m.reference.empty() ? "" : " ref ", m.reference);
  }
}

}  // namespace

int run_intel_import(const Overrides& overrides, const IntelImportArgs& args) {
  auto options = feed_options(args);
  if (!options) {
    fmt::print(stderr, "vigil: {}\n", options.error().message);
    return kExitUsage;
  }
  auto db = open_intel_db(overrides);
  if (!db) return kExitRuntime;
  auto report = intel::import_feed(args.format, args.file, *options);
  if (!report) {
    fmt::print(stderr, "vigil: {}\n", report.error().message);
    return report.error().code == ErrorCode::kConfig ? kExitUsage : kExitRuntime;
  }
  const auto purged = db->delete_expired(options->now);
  auto saved =
      purged ? db->replace_source(*report->feed()) : Result<void>(tl::unexpected(purged.error()));
  if (!saved) {
    fmt::print(stderr, "vigil: {}\n", saved.error().message);
    return kExitRuntime;
  }
  print_import_report(*report, options->source, *purged);
  return kExitOk;
}

int run_intel_lookup(const Overrides& overrides, const std::string& value) {
  const auto type = intel::infer_type(value);
  if (!type) {
    fmt::print(stderr, "vigil: '{}' is not an IP, CIDR, domain, URL, hash or e-mail\n", value);
    return kExitUsage;
  }
  auto db = open_intel_db(overrides);
  if (!db) return kExitRuntime;
  intel::IndicatorStore store;
  if (auto loaded = db->load_candidates(value, store); !loaded) {
    fmt::print(stderr, "vigil: {}\n", loaded.error().message);
    return kExitRuntime;
  }
  const auto result = store.lookup(value, type);
  if (!result) {
    const bool allowlisted = store.suppressed_matches() > 0;
    fmt::print("no match for {} ({}){}\n", value, intel::to_string(*type),
               allowlisted ? ": listed, but allowlisted (private, reserved or configured)" : "");
    return kExitRuntime;
  }
  print_lookup(*result);
  return kExitOk;
}

}  // namespace vigil
