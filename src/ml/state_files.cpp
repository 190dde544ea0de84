#include "ml/state_files.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "ml/byte_codec.h"
#include "ml/model_file.h"

namespace vigil::ml {
namespace {

constexpr std::string_view kRowsMagic = "vigil-ml-rows/1";

}  // namespace

std::string rows_file_name(std::string_view model) {
  return model == "general" ? "general.rows" : fmt::format("type-{}.rows", model);
}

Result<void> write_rows_file(const std::filesystem::path& path, const RowsFile& file) {
  std::string out;
  ByteWriter w(out);
  w.put_bytes(kRowsMagic);
  w.put_bytes(file.model);
  w.put(file.schema);
  w.put(static_cast<uint64_t>(file.rows.rows));
  w.put(static_cast<uint64_t>(file.rows.cols));
  w.put(file.seen);
  for (const float v : file.rows.values) w.put(v);
  return write_file_atomically(path, out);
}

Result<std::string> read_state_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::kIo, "cannot open " + path.string());
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Result<RowsFile> read_rows_file(const std::filesystem::path& path) {
  auto bytes = read_state_file(path);
  if (!bytes) return tl::unexpected(bytes.error());
  ByteReader r(*bytes);
  const auto bad = [&](std::string_view what) {
    return make_error(ErrorCode::kInvalidInput, fmt::format("{}: {}", path.string(), what));
  };
  if (r.get_bytes() != kRowsMagic) return bad("not a vigil reservoir file");
  RowsFile f;
  f.model = r.get_bytes();
  f.schema = r.get<uint32_t>();
  const auto rows = r.get<uint64_t>();
  const auto cols = r.get<uint64_t>();
  f.seen = r.get<uint64_t>();
  if (!r.ok() || !valid_model_name(f.model)) return bad("truncated header");
  if (cols == 0 || cols > 4096 || rows > (bytes->size() / sizeof(float)) / cols || f.seen < rows)
    return bad("inconsistent sizes");
  f.rows.rows = rows;
  f.rows.cols = cols;
  f.rows.values.resize(rows * cols);
  for (float& v : f.rows.values) v = r.get<float>();
  if (!r.ok() || !r.at_end()) return bad("truncated or trailing data");
  return f;
}

}  // namespace vigil::ml
