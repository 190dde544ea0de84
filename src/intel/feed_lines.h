// Line-level helpers shared by the text and CSV feed readers: feeds mix LF and
// CRLF, mark comments with '#', ';' or '//', and often end with a trailer
// that states how many entries they hold ("# END 28 entries",
// "# Number of entries: 506"), which the readers cross-check.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace vigil::intel {

// Splits text into lines (LF or CRLF, a UTF-8 BOM skipped), numbered from 1.
class LineCursor {
 public:
  explicit LineCursor(std::string_view text);
  bool next(std::string_view& line);  // false at the end
  size_t line_number() const { return number_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  size_t number_ = 0;
};

// The comment's text without its marker, or nullopt when the line is data.
std::optional<std::string_view> comment_body(std::string_view trimmed_line);
// The count a trailer comment states, or nullopt.
std::optional<size_t> trailer_count(std::string_view comment);

}  // namespace vigil::intel
