// The `api` feed type: a JSON HTTP API (ThreatFox's, or any that returns a
// list of records) described entirely in config: the request (method, body,
// auth header from an environment variable), where the list sits in the
// reply (a JSON pointer), which field of a record maps to value, type,
// severity, confidence, tags and times, and paging by a next link or a page
// parameter. A file location holds one reply, or one record per line (NDJSON).
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "core/error.h"
#include "intel/feed_reader.h"
#include "intel/http_fetch.h"

namespace vigil::intel {

// Indicators from reply bodies (each a JSON document holding the list at
// config.items, or NDJSON records). A body that is not JSON fails the read.
Result<FeedReport> read_api_replies(const std::vector<std::string>& bodies,
                                    const IntelFeedConfig& config, const FeedOptions& options);

// Fetches every page from config.location (request: method, body, headers
// and auth already in `base`) and returns the reply bodies in order.
Result<std::vector<std::string>> fetch_api_pages(const IntelFeedConfig& config, HttpRequest base);

}  // namespace vigil::intel
