#include "intel/csv_feed_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "core/strings.h"
#include "intel/feed_lines.h"
#include "intel/feed_values.h"

namespace vigil::intel {
namespace {

constexpr size_t kNoColumn = static_cast<size_t>(-1);

// Appends the quoted field starting at line[pos] to `out`; false when unterminated.
// Appends a run at a time, up to each quote (import speed).
bool read_quoted(std::string_view line, size_t& pos, std::string& out) {
  for (++pos;;) {
    const size_t quote = line.find('"', pos);
    if (quote == std::string_view::npos) return false;
    out.append(line.substr(pos, quote - pos));
    pos = quote + 1;
    if (pos < line.size() && line[pos] == '"') {
      out += '"';
      ++pos;
    } else {
      return true;
    }
  }
}

}  // namespace

bool split_feed_csv_line(std::string_view line, std::vector<std::string>& fields) {
  size_t n = 0;
  // The strings are reused from line to line: no allocation per field.
  const auto next = [&]() -> std::string& {
    if (n == fields.size()) fields.emplace_back();
    std::string& f = fields[n++];
    f.clear();
    return f;
  };
  size_t pos = 0;
  for (;;) {
    while (pos < line.size() && line[pos] == ' ') ++pos;
    if (pos < line.size() && line[pos] == '"') {
      if (!read_quoted(line, pos, next())) return false;
      while (pos < line.size() && line[pos] == ' ') ++pos;
      if (pos < line.size() && line[pos] != ',') return false;
    } else {
      const size_t comma = std::min(line.find(',', pos), line.size());
      next() = trim(line.substr(pos, comma - pos));
      pos = comma;
    }
    if (pos >= line.size()) {
      fields.resize(n);
      return true;
    }
    ++pos;  // the comma
  }
}

std::optional<std::vector<std::string>> split_feed_csv_line(std::string_view line) {
  std::vector<std::string> fields;
  if (!split_feed_csv_line(line, fields)) return std::nullopt;
  return fields;
}

struct CsvFeedReader::Layout {
  std::vector<std::pair<size_t, std::optional<IndicatorType>>> values;
  size_t type = kNoColumn, first_seen = kNoColumn, last_seen = kNoColumn, confidence = kNoColumn,
         reference = kNoColumn, description = kNoColumn;
  std::vector<size_t> tags;
  size_t width = 0;

  // nullopt when a value column is missing from the header.
  static std::optional<Layout> resolve(const CsvColumns& c,
                                       const std::vector<std::string>& header) {
    const auto find = [&](const std::string& name) {
      if (name.empty()) return kNoColumn;
      const auto it = std::find(header.begin(), header.end(), name);
      return it == header.end() ? kNoColumn : static_cast<size_t>(it - header.begin());
    };
    Layout l;
    l.width = header.size();
    for (const auto& v : c.values) {
      const size_t i = find(v.name);
      if (i == kNoColumn) return std::nullopt;
      l.values.emplace_back(i, v.type);
    }
    l.type = find(c.type_column);
    l.first_seen = find(c.first_seen);
    l.last_seen = find(c.last_seen);
    l.confidence = find(c.confidence);
    l.reference = find(c.reference);
    l.description = find(c.description);
    for (const auto& t : c.tag_columns) {
      if (const size_t i = find(t); i != kNoColumn) l.tags.push_back(i);
    }
    return l;
  }
};

struct CsvFeedReader::Scratch {
  LookupKey key;
  std::vector<std::string> tags;
  uint32_t feed_tags = 0;  // options.tags, interned
};

Result<FeedReport> CsvFeedReader::read(const std::filesystem::path& path) {
  auto text = read_text_file(path);
  if (!text) return tl::unexpected(text.error());
  return parse(*text);
}

FeedReport CsvFeedReader::parse(std::string_view text) const {
  FeedReport report;
  std::optional<Layout> layout;
  if (!options_.csv.header.empty()) layout = Layout::resolve(options_.csv, options_.csv.header);
  LineCursor lines(text);
  std::string_view raw;
  std::vector<std::string> fields;
  Scratch scratch;
  scratch.feed_tags = report.intern_tags(options_.tags);
  while (lines.next(raw)) {
    const std::string_view line = trim(raw);
    if (line.empty()) continue;
    const auto comment = comment_body(line);
    if (comment) {
      if (auto n = trailer_count(*comment)) report.declared_count = n;
      if (layout) continue;  // the header is known: nothing else in comments matters
    }
    const bool split = split_feed_csv_line(comment ? *comment : line, fields);
    if (!layout && split) {
      // The header: the first line, commented or not, that names the value columns.
      layout = Layout::resolve(options_.csv, fields);
      if (layout) continue;
    }
    if (comment) continue;
    ++report.records;
    if (!layout) {
      report.malformed(lines.line_number(), "data before a header naming the value columns");
    } else if (!split) {
      report.malformed(lines.line_number(), "unterminated quote or text after a closing quote");
    } else if (fields.size() != layout->width) {
      report.malformed(lines.line_number(), fmt::format("{} fields where the header has {}",
                                                        fields.size(), layout->width));
    } else {
      read_row(*layout, fields, lines.line_number(), scratch, report);
    }
  }
  if (report.declared_count && *report.declared_count != report.records) {
    report.problems.push_back({0, fmt::format("the feed says it holds {} entries, {} were read",
                                              *report.declared_count, report.records)});
  }
  return report;
}

void CsvFeedReader::read_row(const Layout& layout, const std::vector<std::string>& fields,
                             size_t line, Scratch& scratch, FeedReport& report) const {
  const auto cell = [&](size_t i) -> std::string_view {
    return i == kNoColumn || is_null_cell(fields[i]) ? std::string_view() : fields[i];
  };
  const TypeHint hint = layout.type == kNoColumn ? TypeHint{} : parse_feed_type(cell(layout.type));
  // The row's tags: the feed's, then the tag columns'.
  uint32_t tags = scratch.feed_tags;
  if (!layout.tags.empty()) {
    scratch.tags = options_.tags;
    for (size_t t : layout.tags) add_feed_tags(cell(t), scratch.tags);
    tags = report.intern_tags(scratch.tags);
  }
  for (const auto& [column, fixed_type] : layout.values) {
    std::string_view value = cell(column);
    if (value.empty()) continue;
    if (hint.strip_port) value = strip_port(value);
    auto f = make_fields(value, fixed_type ? fixed_type : hint.type, options_, tags, scratch.key);
    if (!f) {
      report.malformed(line, f.error().message);
      continue;
    }
    if (auto t = parse_iso8601(cell(layout.first_seen))) f->first_seen = *t;
    f->last_seen = f->first_seen;
    if (auto t = parse_iso8601(cell(layout.last_seen))) f->last_seen = std::max(*t, f->first_seen);
    if (const auto c = cell(layout.confidence); !c.empty()) {
      int n = -1;
      std::from_chars(c.data(), c.data() + c.size(), n);
      if (n >= 0 && n <= 100) f->confidence = n;
    }
    f->reference = report.intern(cell(layout.reference));
    f->description = report.intern(cell(layout.description));
    report.add(*f);
  }
}

}  // namespace vigil::intel
