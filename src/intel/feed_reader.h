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
#include "intel/packed_feed.h"

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

// The indicators go straight into their packed form (packed_feed.h): a
// 10-million-line feed never exists as 10 million `Indicator`s, and a value
// listed twice is merged as it is added (one indicator per type and value
// within a source: highest severity and confidence, earliest first_seen,
// latest last_seen and valid_until, union of tags).
class FeedReport {
 public:
  FeedReport() : builder_("", /*merge_duplicates=*/true) {}
  // A copy would share the feed being built.
  FeedReport(const FeedReport&) = delete;
  FeedReport& operator=(const FeedReport&) = delete;
  FeedReport(FeedReport&&) = default;
  FeedReport& operator=(FeedReport&&) = default;

  size_t records = 0;                     // entries read (lines, STIX indicators, attributes)
  std::map<std::string, size_t> skipped;  // reason -> count
  std::vector<FeedProblem> problems;      // malformed entries, in file order
  std::optional<size_t> declared_count;   // a trailer's "N entries", when there is one

  void skip(const std::string& reason) { ++skipped[reason]; }
  void malformed(size_t line, std::string message);
  size_t skipped_total() const;

  // Adds one indicator (its `source` is ignored: the feed names it).
  void add(const Indicator& indicator);
  void add(const PackedFeed::Fields& fields);
  // Ids for PackedFeed::Fields (intern constant tags once per feed).
  uint32_t intern(std::string_view text) { return builder_.intern(text); }
  uint32_t intern_tags(const std::vector<std::string>& tags) { return builder_.intern_tags(tags); }

  size_t size() const { return packed().size(); }
  bool empty() const { return size() == 0; }
  // Copies, in the order first added (tests, small callers).
  std::vector<Indicator> indicators() const { return packed().unpack_all(); }
  // After finish_import: the feed as the store and intel.db take it, named
  // by its source.
  const std::shared_ptr<const PackedFeed>& feed() const { return feed_; }

 private:
  friend void finish_import(FeedReport& report, const FeedOptions& options);
  const PackedFeed& packed() const { return feed_ ? *feed_ : builder_.current(); }

  PackedFeed::Builder builder_;
  std::shared_ptr<const PackedFeed> feed_;
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
// report another way (TAXII, JSON APIs): apply lifetimes, drop the expired,
// name the feed after options.source and pack it (FeedReport::feed).
void finish_import(FeedReport& report, const FeedOptions& options);

// Shared by the readers: one indicator from a raw value with the feed's
// defaults filled in; the error says why the value is not one.
Result<Indicator> make_indicator(std::string_view raw, std::optional<IndicatorType> type,
                                 const FeedOptions& options);
// The same as packed fields, without allocating: the value is normalized into
// `scratch` (valid until its next use), tags are the id `tags` (the feed's
// interned options.tags). The hot path of the text and CSV readers.
Result<PackedFeed::Fields> make_fields(std::string_view raw, std::optional<IndicatorType> type,
                                       const FeedOptions& options, uint32_t tags,
                                       LookupKey& scratch);
Result<std::string> read_text_file(const std::filesystem::path& path);

}  // namespace vigil::intel
