// RFC 4180 CSV, read one record at a time: comma-separated fields, fields in
// double quotes may hold commas, line breaks and doubled quotes (""). Lookup
// tables are edited by hand, so anything else is an error naming file:line
// rather than a guess.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace vigil {

struct CsvRecord {
  size_t line = 0;  // where the record starts (a quoted field may span lines)
  std::vector<std::string> fields;
};

class CsvReader {
 public:
  // `text` must outlive the reader; `file` only names it in errors.
  CsvReader(std::string_view text, std::string file);

  // The next record into `out`; false at the end of input. Blank lines are
  // skipped. Line ends may be LF, CRLF or CR. A UTF-8 byte-order mark at the
  // start is ignored.
  Result<bool> next(CsvRecord& out);

 private:
  Result<bool> read_field(std::string& field);
  Error error_at(size_t line, std::string_view what) const;

  std::string_view text_;
  std::string file_;
  size_t pos_ = 0;
  size_t line_ = 1;
};

}  // namespace vigil
