#include "enrich/csv_reader.h"

#include <fmt/core.h>

namespace vigil {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool is_line_end(char c) {
  return c == '\n' || c == '\r';
}

}  // namespace

CsvReader::CsvReader(std::string_view text, std::string file)
    : text_(text), file_(std::move(file)) {
  if (text_.starts_with(kBom)) pos_ = kBom.size();
}

Error CsvReader::error_at(size_t line, std::string_view what) const {
  return Error{ErrorCode::kInvalidInput, fmt::format("{}:{}: {}", file_, line, what)};
}

Result<bool> CsvReader::next(CsvRecord& out) {
  for (;;) {
    if (pos_ >= text_.size()) return false;
    out.line = line_;
    out.fields.clear();
    bool quoted_any = false;
    for (;;) {
      std::string field;
      auto quoted = read_field(field);
      if (!quoted) return tl::unexpected(std::move(quoted.error()));
      quoted_any = quoted_any || *quoted;
      out.fields.push_back(std::move(field));
      if (pos_ >= text_.size()) break;
      const char c = text_[pos_++];
      if (c == ',') continue;
      // A line end (read_field stops only at ',', a line end or the end).
      if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
      ++line_;
      break;
    }
    const bool blank = out.fields.size() == 1 && out.fields[0].empty() && !quoted_any;
    if (!blank) return true;
  }
}

// Reads one field up to (not including) the next ',', line end or the end
// of input. Returns whether the field was quoted.
Result<bool> CsvReader::read_field(std::string& field) {
  if (pos_ >= text_.size() || text_[pos_] != '"') {
    const size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != ',' && !is_line_end(text_[pos_])) {
      if (text_[pos_] == '"') {
        return tl::unexpected(error_at(line_,
                                       "quote inside an unquoted field (quote the whole "
                                       "field and double the quotes inside it)"));
      }
      ++pos_;
    }
    field.assign(text_.substr(start, pos_ - start));
    return false;
  }
  const size_t opened_on = line_;
  ++pos_;  // opening quote
  for (;;) {
    if (pos_ >= text_.size()) {
      return tl::unexpected(error_at(opened_on, "quoted field is never closed"));
    }
    const char c = text_[pos_++];
    if (c == '"') {
      if (pos_ < text_.size() && text_[pos_] == '"') {
        field += '"';
        ++pos_;
        continue;
      }
      break;
    }
    // Count line breaks inside the field so later errors point at the right line.
    if (c == '\n' || (c == '\r' && (pos_ >= text_.size() || text_[pos_] != '\n'))) ++line_;
    field += c;
  }
  if (pos_ < text_.size() && text_[pos_] != ',' && !is_line_end(text_[pos_])) {
    return tl::unexpected(error_at(line_, "unexpected text after a closing quote"));
  }
  return true;
}

}  // namespace vigil
