#include "intel/feed_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "intel/csv_feed_reader.h"
#include "intel/fingerprint_table.h"
#include "intel/misp_feed_reader.h"
#include "intel/stix_feed_reader.h"
#include "intel/text_feed_reader.h"

namespace vigil::intel {
namespace {

// Problems beyond this are counted but not kept: a feed of garbage must not
// turn into a report of the same size.
constexpr size_t kMaxProblems = 1000;

void merge_into(Indicator& kept, Indicator&& dup) {
  kept.severity = std::max(kept.severity, dup.severity);
  kept.confidence = std::max(kept.confidence, dup.confidence);
  kept.first_seen = std::min(kept.first_seen, dup.first_seen);
  kept.last_seen = std::max(kept.last_seen, dup.last_seen);
  kept.valid_until = std::max(kept.valid_until, dup.valid_until);
  kept.include_subdomains = kept.include_subdomains || dup.include_subdomains;
  for (auto& t : dup.tags) {
    if (std::find(kept.tags.begin(), kept.tags.end(), t) == kept.tags.end()) {
      kept.tags.push_back(std::move(t));
    }
  }
}

// One indicator per (type, value) within a source: a feed that lists a value
// twice (STIX files often do) says one thing about it.
void merge_duplicates(FeedReport& report) {
  // Fingerprints, not string keys: no allocation per indicator (import speed).
  FingerprintTable first(report.indicators.size());
  std::vector<Indicator> out;
  out.reserve(report.indicators.size());
  for (Indicator& ind : report.indicators) {
    const uint64_t fp = value_fingerprint(ind.type, ind.value);
    const auto* kept = first.find(fp, [&](const FingerprintTable::Slot& s) {
      return out[s.offset].type == ind.type && out[s.offset].value == ind.value;
    });
    if (kept == nullptr) {
      first.insert(fp, static_cast<uint32_t>(out.size()), 1);
      out.push_back(std::move(ind));
    } else {
      merge_into(out[kept->offset], std::move(ind));
      report.skip("duplicate value (merged)");
    }
  }
  report.indicators = std::move(out);
}

void apply_expiry(FeedReport& report, const FeedOptions& options) {
  auto& inds = report.indicators;
  for (Indicator& ind : inds) {
    if (ind.valid_until.micros == 0)
      ind.valid_until = options.lifetimes.expiry_from(ind.type, options.now);
  }
  const auto expired = [&](const Indicator& i) { return i.valid_until <= options.now; };
  const size_t n = static_cast<size_t>(std::count_if(inds.begin(), inds.end(), expired));
  if (n > 0) report.skipped["expired (valid_until passed)"] += n;
  inds.erase(std::remove_if(inds.begin(), inds.end(), expired), inds.end());
}

}  // namespace

void FeedReport::malformed(size_t line, std::string message) {
  skip("malformed");
  if (problems.size() < kMaxProblems) problems.push_back({line, std::move(message)});
}

size_t FeedReport::skipped_total() const {
  size_t n = 0;
  for (const auto& [reason, count] : skipped) n += count;
  return n;
}

Result<std::string> read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::kIo, fmt::format("cannot open {}", path.string()));
  // One read into a string of the file's size (a stringstream copies twice).
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  std::string text;
  if (!ec) {
    text.resize(size);
    in.read(text.data(), static_cast<std::streamsize>(size));
    text.resize(static_cast<size_t>(in.gcount()));
  }
  // Whatever is left (a file that grew, or one file_size cannot tell: a pipe).
  std::ostringstream rest;
  if (in) rest << in.rdbuf();
  if (in.bad()) return make_error(ErrorCode::kIo, fmt::format("cannot read {}", path.string()));
  text += std::move(rest).str();
  return text;
}

Result<Indicator> make_indicator(std::string_view raw, std::optional<IndicatorType> type,
                                 const FeedOptions& options) {
  auto n = normalize_indicator(raw, type);
  if (!n) return tl::unexpected(n.error());
  Indicator i;
  i.value = std::move(n->value);
  i.type = n->type;
  i.include_subdomains = n->type == IndicatorType::kDomain &&
                         (n->include_subdomains || options.domains_include_subdomains);
  i.source = options.source;
  i.severity = options.severity;
  i.confidence = options.confidence;
  i.first_seen = options.now;
  i.last_seen = options.now;
  i.tags = options.tags;
  return i;
}

Result<std::unique_ptr<FeedReader>> make_feed_reader(std::string_view type, FeedOptions options) {
  if (type == "csv") return std::make_unique<CsvFeedReader>(std::move(options));
  if (type == "text") return std::make_unique<TextFeedReader>(std::move(options));
  if (type == "stix") return std::make_unique<StixFeedReader>(std::move(options));
  if (type == "misp") return std::make_unique<MispFeedReader>(std::move(options));
  return make_error(ErrorCode::kConfig,
                    fmt::format("unknown feed type '{}' (csv, text, stix, misp)", type));
}

void finish_import(FeedReport& report, const FeedOptions& options) {
  merge_duplicates(report);
  apply_expiry(report, options);
}

Result<FeedReport> import_feed(std::string_view type, const std::filesystem::path& path,
                               const FeedOptions& options) {
  auto reader = make_feed_reader(type, options);
  if (!reader) return tl::unexpected(reader.error());
  auto report = (*reader)->read(path);
  if (report) finish_import(*report, options);
  return report;
}

}  // namespace vigil::intel
