#include "intel/feed_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "core/strings.h"
#include "intel/csv_feed_reader.h"
#include "intel/ip_prefix.h"
#include "intel/misp_feed_reader.h"
#include "intel/stix_feed_reader.h"
#include "intel/text_feed_reader.h"

namespace vigil::intel {
namespace {

// Problems beyond this are counted but not kept: a feed of garbage must not
// turn into a report of the same size.
constexpr size_t kMaxProblems = 1000;

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
  LookupKey scratch;
  auto f = make_fields(raw, type, options, 0, scratch);
  if (!f) return tl::unexpected(f.error());
  Indicator i;
  i.value = std::string(f->value);
  i.type = f->type;
  i.include_subdomains = f->include_subdomains;
  i.source = options.source;
  i.severity = f->severity;
  i.confidence = f->confidence;
  i.first_seen = f->first_seen;
  i.last_seen = f->last_seen;
  i.tags = options.tags;
  return i;
}

Result<PackedFeed::Fields> make_fields(std::string_view raw, std::optional<IndicatorType> type,
                                       const FeedOptions& options, uint32_t tags,
                                       LookupKey& scratch) {
  PackedFeed::Fields f;
  const bool ip_type =
      type == IndicatorType::kIpv4 || type == IndicatorType::kIpv6 || type == IndicatorType::kCidr;
  std::optional<IndicatorType> t = type;
  if (!type || ip_type) {
    if (auto p = IpPrefix::parse(trim(raw))) {
      f.value = scratch.set_ip(*p);
      f.type = !p->is_host() ? IndicatorType::kCidr
               : p->v6       ? IndicatorType::kIpv6
                             : IndicatorType::kIpv4;
    } else if (!ip_type) {
      t = infer_type(raw);
    }
  }
  if (f.value.empty()) {
    if (!t || ip_type || !normalize_key(raw, *t, scratch)) {
      // The slow path, for its message.
      auto n = normalize_indicator(raw, type);
      return tl::unexpected(n ? Error{ErrorCode::kInvalidInput, "unreadable value"} : n.error());
    }
    f.value = scratch.value();
    f.type = scratch.type();
    f.include_subdomains = f.type == IndicatorType::kDomain &&
                           (scratch.include_subdomains() || options.domains_include_subdomains);
  }
  f.severity = options.severity;
  f.confidence = options.confidence;
  f.first_seen = options.now;
  f.last_seen = options.now;
  f.tags = tags;
  return f;
}

Result<std::unique_ptr<FeedReader>> make_feed_reader(std::string_view type, FeedOptions options) {
  if (type == "csv") return std::make_unique<CsvFeedReader>(std::move(options));
  if (type == "text") return std::make_unique<TextFeedReader>(std::move(options));
  if (type == "stix") return std::make_unique<StixFeedReader>(std::move(options));
  if (type == "misp") return std::make_unique<MispFeedReader>(std::move(options));
  return make_error(ErrorCode::kConfig,
                    fmt::format("unknown feed type '{}' (csv, text, stix, misp)", type));
}

void FeedReport::add(const Indicator& indicator) {
  if (!builder_.add(indicator)) skip("duplicate value (merged)");
}

void FeedReport::add(const PackedFeed::Fields& fields) {
  if (!builder_.add(fields)) skip("duplicate value (merged)");
}

void finish_import(FeedReport& report, const FeedOptions& options) {
  if (report.feed_) return;  // finished already
  if (const size_t n = report.builder_.expire(options.lifetimes, options.now); n > 0) {
    report.skipped["expired (valid_until passed)"] += n;
  }
  report.builder_.rename(options.source);
  report.feed_ = report.builder_.finish();
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
