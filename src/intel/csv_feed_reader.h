// `csv` feeds, mapped by column name (csv_columns.h). Real feeds bend RFC 4180
// (so enrich's strict CsvReader does not fit them): the header may itself be a
// comment ("# id,dateadded,url,..."), fields may be separated by ", ",
// quoted or bare, "None" means empty, and a trailer comment states the count.
#pragma once

#include <string>
#include <vector>

#include "intel/feed_reader.h"

namespace vigil::intel {

class CsvFeedReader : public FeedReader {
 public:
  explicit CsvFeedReader(FeedOptions options) : options_(std::move(options)) {}
  Result<FeedReport> read(const std::filesystem::path& path) override;
  FeedReport parse(std::string_view text) const;

 private:
  struct Layout;   // column indexes resolved from the header
  struct Scratch;  // reused from row to row
  void read_row(const Layout& layout, const std::vector<std::string>& fields, size_t line,
                Scratch& scratch, FeedReport& report) const;

  FeedOptions options_;
};

// Splits one line into fields: ',' or ', ' separated, each bare or in double
// quotes with "" for a quote. nullopt on an unterminated quote or text after
// a closing quote.
std::optional<std::vector<std::string>> split_feed_csv_line(std::string_view line);
// The same into `fields`, whose strings are reused (one call per line of a
// million-line feed); false where the above gives nullopt.
bool split_feed_csv_line(std::string_view line, std::vector<std::string>& fields);

}  // namespace vigil::intel
