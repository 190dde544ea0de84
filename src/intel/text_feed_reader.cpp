#include "intel/text_feed_reader.h"

#include <fmt/format.h>

#include "core/strings.h"
#include "intel/feed_lines.h"

namespace vigil::intel {
namespace {

std::string_view first_token(std::string_view line) {
  const size_t end = line.find_first_of(" \t;");
  return trim(line.substr(0, end));
}

}  // namespace

Result<FeedReport> TextFeedReader::read(const std::filesystem::path& path) {
  auto text = read_text_file(path);
  if (!text) return tl::unexpected(text.error());
  return parse(*text);
}

FeedReport TextFeedReader::parse(std::string_view text) const {
  FeedReport report;
  LineCursor lines(text);
  std::string_view raw;
  LookupKey scratch;
  const uint32_t tags = report.intern_tags(options_.tags);
  while (lines.next(raw)) {
    const std::string_view line = trim(raw);
    if (line.empty()) continue;
    if (auto comment = comment_body(line)) {
      if (auto n = trailer_count(*comment)) report.declared_count = n;
      continue;
    }
    ++report.records;
    auto fields = make_fields(first_token(line), options_.type, options_, tags, scratch);
    if (!fields) {
      report.malformed(lines.line_number(), fields.error().message);
      continue;
    }
    report.add(*fields);
  }
  if (report.declared_count && *report.declared_count != report.records) {
    report.problems.push_back({0, fmt::format("the feed says it holds {} entries, {} were read",
                                              *report.declared_count, report.records)});
  }
  return report;
}

}  // namespace vigil::intel
