// `text` feeds: one indicator per line (IP, CIDR, domain, URL, hash or e-mail,
// the type inferred unless the feed's config fixes it). Comment lines start
// with '#', ';' or '//'; anything after the first blank or ';' on a data line
// is a note (Spamhaus DROP: "1.10.16.0/20 ; SBL256894").
#pragma once

#include "intel/feed_reader.h"

namespace vigil::intel {

class TextFeedReader : public FeedReader {
 public:
  explicit TextFeedReader(FeedOptions options) : options_(std::move(options)) {}
  Result<FeedReport> read(const std::filesystem::path& path) override;
  FeedReport parse(std::string_view text) const;

 private:
  FeedOptions options_;
};

}  // namespace vigil::intel
