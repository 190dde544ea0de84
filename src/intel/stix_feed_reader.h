// `stix` feeds: a STIX 2.1 (or 2.0) bundle, or a bare indicator object.
// Indicators with pattern_type "stix" (2.0 has none) become one indicator per
// translatable comparison (stix_translate.h). Honoured: valid_from (first
// seen), modified (last seen; of several versions of one id only the newest
// counts), valid_until (expiry), revoked (dropped), confidence,
// indicator_types and labels (tags), name/description, external reference.
// Patterns that do not parse or yield no indicator are counted per reason.
#pragma once

#include "intel/feed_reader.h"

namespace vigil::intel {

class StixFeedReader : public FeedReader {
 public:
  explicit StixFeedReader(FeedOptions options) : options_(std::move(options)) {}
  Result<FeedReport> read(const std::filesystem::path& path) override;
  Result<FeedReport> parse(std::string_view json) const;

 private:
  FeedOptions options_;
};

}  // namespace vigil::intel
