// The feed-reader contract: every feed type (csv, text, stix, misp) reads one
// file or directory into a FeedReport — the indicators it yields plus what it
// skipped and why, and each malformed line with its number. A bad line never
// costs the rest of the feed; only an unreadable file is an error.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "intel/csv_columns.h"
#include "intel/indicator.h"
#include "intel/lifetimes.h"
#include "intel/normalize.h"

namespace vigil::intel {

// What a feed's config says about it (intel.feeds[] in the config).
struct FeedOptions {
  std::string source;                       // the feed's name: every indicator's `source`
  Severity severity = Severity::kMedium;    // when the feed gives none
  int confidence = 50;                      // when the feed gives none
  std::vector<std::string> tags;            // added to every indicator
  Lifetimes lifetimes;                      // expiry when the feed gives none
  Timestamp now;                            // import time: lifetimes run from it
  std::optional<IndicatorType> type;        // text feeds: every line is this type
  bool domains_include_subdomains = false;  // domain entries also match subdomains
  CsvColumns csv;                           // csv feeds: the column mapping
};

struct FeedProblem {
  size_t line = 0;  // 0: not tied to a line (JSON feeds, whole-file checks)
  std::string message;
};

struct FeedReport {
  std::vector<Indicator> indicators;
  size_t records = 0;                     // entries read (lines, STIX indicators, attributes)
  std::map<std::string, size_t> skipped;  // reason -> count
  std::vector<FeedProblem> problems;      // malformed entries, in file order
  std::optional<size_t> declared_count;   // a trailer's "N entries", when there is one

  void skip(const std::string& reason) { ++skipped[reason]; }
  void malformed(size_t line, std::string message);
  size_t skipped_total() const;
};

class FeedReader {
 public:
  virtual ~FeedReader() = default;
  // Fails only when the input cannot be read at all.
  virtual Result<FeedReport> read(const std::filesystem::path& path) = 0;
};

// "csv", "text", "stix", "misp". Unknown types are a config error.
Result<std::unique_ptr<FeedReader>> make_feed_reader(std::string_view type, FeedOptions options);

// Reads `path` with the reader for `type`, then applies lifetimes, merges
// duplicates and drops what has already expired: the indicators as the store
// should hold them.
Result<FeedReport> import_feed(std::string_view type, const std::filesystem::path& path,
                               const FeedOptions& options);

// The steps import_feed applies after reading, for fetchers that build a
// report another way (TAXII, JSON APIs): merge duplicates, apply lifetimes,
// drop the expired.
void finish_import(FeedReport& report, const FeedOptions& options);

// Shared by the readers: one indicator from a raw value with the feed's
// defaults filled in; the error says why the value is not one.
Result<Indicator> make_indicator(std::string_view raw, std::optional<IndicatorType> type,
                                 const FeedOptions& options);
Result<std::string> read_text_file(const std::filesystem::path& path);

}  // namespace vigil::intel
