// `misp` feeds: a MISP feed directory (manifest.json naming <uuid>.json event
// files), or one event file in either export shape ({"Event": ...} or the
// REST search's {"response": [{"Event": ...}]}). Attributes — also those
// inside objects — with to_ids true become indicators, their MISP type mapped
// to vigil's (misp_types.h); the event's threat level gives the severity, its
// tags and the attribute's tags the tags, its uuid the reference.
#pragma once

#include "intel/feed_reader.h"

namespace vigil::intel {

class MispFeedReader : public FeedReader {
 public:
  explicit MispFeedReader(FeedOptions options) : options_(std::move(options)) {}
  Result<FeedReport> read(const std::filesystem::path& path) override;
  // One event file's text (either shape) into `report`.
  Result<void> parse_event_file(std::string_view json, FeedReport& report) const;

 private:
  Result<FeedReport> read_feed_directory(const std::filesystem::path& dir) const;

  FeedOptions options_;
};

}  // namespace vigil::intel
