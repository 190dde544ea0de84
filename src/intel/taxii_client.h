// A TAXII 2.1 client for the `taxii` feed type: discovery -> API root ->
// collection (by id or title) -> objects, with `added_after` for incremental
// polls, `limit`/`next` paging until `more` is false, the 2.1 media types,
// and basic or bearer auth (in the request template). The objects of every
// poll are kept per id at their newest version, so a new version (or a
// revocation) replaces the old one and the feed is re-translated whole.
#pragma once

#include <cstddef>
#include <map>
#include <string>

#include "config/config.h"
#include "core/error.h"
#include "intel/http_fetch.h"

namespace vigil::intel {

inline constexpr std::string_view kTaxiiMediaType = "application/taxii+json;version=2.1";

struct TaxiiObject {
  std::string version;  // modified (else created): the newest wins
  std::string json;     // the STIX object as served
};

// What a feed remembers between polls.
struct TaxiiState {
  std::string objects_url;  // .../collections/{id}/objects/, found once
  std::string added_after;  // X-TAXII-Date-Added-Last of the last poll
  std::map<std::string, TaxiiObject> objects;
};

struct TaxiiPoll {
  size_t pages = 0;
  size_t objects = 0;  // objects received in this poll
};

// One poll: on success `state` holds the merged objects and the new cursor;
// on failure it is unchanged.
Result<TaxiiPoll> poll_taxii(const IntelFeedConfig& config, const HttpRequest& base,
                             TaxiiState& state);

// The objects as one STIX bundle (what the STIX reader translates).
std::string taxii_bundle(const TaxiiState& state);

}  // namespace vigil::intel
