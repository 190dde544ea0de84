#include "anomaly/dataset_csv.h"

#include <fmt/format.h>

#include <charconv>
#include <fstream>
#include <sstream>

namespace vigil::anomaly {
namespace {

std::vector<std::string> split_header(std::string_view line) {
  std::vector<std::string> names;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    names.emplace_back(line.substr(start, comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return names;
}

// Parses one data line of `width` numbers onto the back of `values`.
bool parse_line(std::string_view line, size_t width, std::vector<float>& values) {
  const char* p = line.data();
  const char* end = p + line.size();
  for (size_t i = 0; i < width; ++i) {
    float v = 0;
    auto [next, ec] = std::from_chars(p, end, v);
    if (ec != std::errc()) return false;
    values.push_back(v);
    p = next;
    if (i + 1 < width) {
      if (p == end || *p != ',') return false;
      ++p;
    }
  }
  return p == end;
}

}  // namespace

Result<LabelledData> parse_dataset_csv(std::string_view text, std::string_view name) {
  LabelledData data;
  data.name = std::string(name);
  size_t line_no = 0;
  std::vector<float> values;
  size_t width = 0;
  bool labelled = false;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (width == 0) {
      data.features = split_header(line);
      width = data.features.size();
      labelled = data.features.back() == "label";
      if (labelled) data.features.pop_back();
      if (data.features.empty()) {
        return make_error(ErrorCode::kInvalidInput, fmt::format("{}: no feature columns", name));
      }
      continue;
    }
    if (!parse_line(line, width, values)) {
      return make_error(
          ErrorCode::kInvalidInput,
          fmt::format("{}:{}: expected {} comma-separated numbers", name, line_no, width));
    }
  }
  if (width == 0) return make_error(ErrorCode::kInvalidInput, fmt::format("{}: empty file", name));
  const size_t rows = values.size() / width;
  data.matrix.rows = rows;
  data.matrix.cols = data.features.size();
  if (!labelled) {
    data.matrix.values = std::move(values);
    return data;
  }
  data.matrix.values.reserve(rows * data.matrix.cols);
  data.labels.reserve(rows);
  for (size_t r = 0; r < rows; ++r) {
    const float* row = values.data() + r * width;
    data.matrix.values.insert(data.matrix.values.end(), row, row + data.matrix.cols);
    const float label = row[width - 1];
    if (label != 0.0f && label != 1.0f) {
      return make_error(ErrorCode::kInvalidInput,
                        fmt::format("{}: data row {}: label must be 0 or 1", name, r + 1));
    }
    data.labels.push_back(static_cast<int8_t>(label));
  }
  return data;
}

Result<LabelledData> read_dataset_csv(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::kIo, "cannot open " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return parse_dataset_csv(text.view(), path.stem().string());
}

}  // namespace vigil::anomaly
