// Gets one configured feed's current indicators, from a file or over HTTP:
// conditional requests (ETag / If-Modified-Since) with the last good body kept
// on disk, so "not modified" re-reads it and renews lifetimes; TAXII polls
// (taxii_client.h); JSON APIs (api_feed.h); MISP feeds over HTTP (manifest
// then each event). Judging and storing the result is the caller's business.
#pragma once

#include <atomic>
#include <filesystem>
#include <string>

#include "config/config.h"
#include "core/error.h"
#include "intel/feed_reader.h"
#include "intel/taxii_client.h"

namespace vigil::intel {

struct FetchOutcome {
  FeedReport report;          // after finish_import: as the store should hold it
  bool not_modified = false;  // HTTP 304: the report is the cached body re-read
};

// An error when a report must not replace the feed's last good data: an empty
// feed (a truncated download looks like one), or one where nothing was usable
// and something was malformed.
Result<void> check_usable(const FeedReport& report);

class FeedFetcher {
 public:
  // `cache_dir`: where the last good body is kept (created on first use).
  FeedFetcher(IntelFeedConfig config, std::filesystem::path cache_dir);

  // Fails (and keeps its cached copy and state) when the feed cannot be read
  // or is not usable (check_usable).
  Result<FetchOutcome> fetch(const FeedOptions& options, const std::atomic<bool>* abort);
  const IntelFeedConfig& config() const { return config_; }

 private:
  Result<HttpRequest> base_request(const std::atomic<bool>* abort) const;
  Result<FetchOutcome> fetch_any(const FeedOptions& options, const std::atomic<bool>* abort);
  Result<FetchOutcome> fetch_file(const FeedOptions& options) const;
  Result<FetchOutcome> fetch_body(const FeedOptions& options, const HttpRequest& base);
  Result<FetchOutcome> fetch_misp(const FeedOptions& options, const HttpRequest& base);
  Result<FetchOutcome> fetch_taxii(const FeedOptions& options, const HttpRequest& base);
  Result<FetchOutcome> fetch_api(const FeedOptions& options, const HttpRequest& base) const;

  IntelFeedConfig config_;
  std::filesystem::path cache_;  // body file, or directory for MISP
  std::string etag_;
  std::string last_modified_;
  TaxiiState taxii_;
};

}  // namespace vigil::intel
