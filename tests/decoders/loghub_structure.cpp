#include "decoders/loghub_structure.h"

#include <zlib.h>

#include <stdexcept>

namespace vigil::testing {
namespace {

std::vector<std::string> split_csv_record(const std::string& text, size_t& pos) {
  std::vector<std::string> fields;
  std::string cur;
  bool quoted = false;
  while (pos < text.size()) {
    const char c = text[pos++];
    if (quoted) {
      if (c == '"' && pos < text.size() && text[pos] == '"') {
        cur.push_back('"');
        ++pos;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(cur));
      cur.clear();
    } else if (c == '\n') {
      break;
    } else if (c != '\r') {
      cur.push_back(c);
    }
  }
  fields.push_back(std::move(cur));
  return fields;
}

}  // namespace

std::string read_maybe_gz(const std::filesystem::path& file) {
  gzFile in = gzopen(file.c_str(), "rb");
  if (in == nullptr) throw std::runtime_error("cannot open " + file.string());
  std::string text;
  char buf[1 << 16];
  int n;
  while ((n = gzread(in, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  gzclose(in);
  return text;
}

std::vector<std::map<std::string, std::string>> read_csv_rows(const std::filesystem::path& file) {
  const std::string text = read_maybe_gz(file);
  size_t pos = 0;
  const auto header = split_csv_record(text, pos);
  std::vector<std::map<std::string, std::string>> rows;
  while (pos < text.size()) {
    const auto fields = split_csv_record(text, pos);
    if (fields.size() == 1 && fields[0].empty()) continue;
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < header.size() && i < fields.size(); ++i) row[header[i]] = fields[i];
    rows.push_back(std::move(row));
  }
  return rows;
}

std::optional<std::vector<std::string>> match_template(const std::string& tmpl,
                                                       const std::string& content) {
  std::vector<std::string> literals;
  size_t start = 0;
  for (size_t at = tmpl.find("<*>"); at != std::string::npos; at = tmpl.find("<*>", start)) {
    literals.push_back(tmpl.substr(start, at - start));
    start = at + 3;
  }
  literals.push_back(tmpl.substr(start));
  if (content.compare(0, literals[0].size(), literals[0]) != 0) return std::nullopt;
  size_t pos = literals[0].size();
  std::vector<std::string> values;
  for (size_t i = 1; i < literals.size(); ++i) {
    const std::string& lit = literals[i];
    size_t end;
    if (i + 1 == literals.size()) {  // the last literal anchors at the end
      if (content.size() < pos + lit.size() ||
          content.compare(content.size() - lit.size(), lit.size(), lit) != 0)
        return std::nullopt;
      end = content.size() - lit.size();
    } else {
      end = lit.empty() ? pos : content.find(lit, pos);
      if (end == std::string::npos) return std::nullopt;
    }
    values.push_back(content.substr(pos, end - pos));
    pos = end + lit.size();
  }
  return values;
}

std::vector<std::string> read_lines(const std::filesystem::path& file) {
  const std::string text = read_maybe_gz(file);
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    pos = nl + 1;
  }
  return lines;
}

}  // namespace vigil::testing
