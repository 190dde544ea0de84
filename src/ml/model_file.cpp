#include "ml/model_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "anomaly/sklearn_export.h"

namespace vigil::ml {
namespace {

// The value after `key` up to the next space; empty when absent.
std::string_view header_field(std::string_view line, std::string_view key) {
  for (size_t at = line.find(key); at != std::string_view::npos; at = line.find(key, at + 1)) {
    if (at != 0 && line[at - 1] != ' ') continue;
    const size_t begin = at + key.size();
    return line.substr(begin, line.find(' ', begin) - begin);
  }
  return {};
}

template <typename T>
bool parse_number(std::string_view s, T& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

Result<void> io_error(const std::filesystem::path& path, std::string_view what) {
  return make_error(ErrorCode::kIo,
                    fmt::format("{} {}: {}", what, path.string(),
                                std::error_code(errno, std::generic_category()).message()));
}

}  // namespace

Result<void> write_file_atomically(const std::filesystem::path& path, std::string_view text) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return io_error(tmp, "cannot create");
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      auto e = io_error(tmp, "cannot write");
      ::close(fd);
      std::filesystem::remove(tmp);
      return e;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    auto e = io_error(tmp, "cannot sync");
    ::close(fd);
    return e;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return io_error(path, "cannot rename into");
  const int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);  // the rename survives a crash; best effort
    ::close(dir);
  }
  return {};
}

bool valid_model_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return name != "." && name != "..";
}

std::string model_file_name(std::string_view name) {
  return name == "general" ? "general.forest" : fmt::format("type-{}.forest", name);
}

Result<void> write_model_file(const std::filesystem::path& path, const ModelHeader& h,
                              const std::vector<anomaly::TreeNodes>& trees, size_t n_features,
                              uint32_t max_samples, double offset,
                              const anomaly::UnseenValues& unseen) {
  if (!valid_model_name(h.name))
    return make_error(ErrorCode::kInvalidInput, fmt::format("bad model name '{}'", h.name));
  fmt::memory_buffer out;
  fmt::format_to(std::back_inserter(out),
                 "# vigil-ml model={} schema={} rows={} trained_at={} generation={} "
                 "max_samples_={} offset_={} n_features={} n_trees={} held={}\n",
                 h.name, h.schema, h.rows, h.trained_at, h.generation, max_samples, offset,
                 n_features, trees.size(), unseen.to_text());
  fmt::format_to(std::back_inserter(out),
                 "tree\tnode\tleft\tright\tfeature\tthreshold\tn_node_samples\n");
  for (size_t t = 0; t < trees.size(); ++t) {
    for (size_t i = 0; i < trees[t].size(); ++i) {
      const anomaly::TreeNode& n = trees[t][i];
      if (n.is_leaf()) {
        fmt::format_to(std::back_inserter(out), "{}\t{}\t-1\t-1\t-1\tnan\t{}\n", t, i, n.n_samples);
      } else {
        // {} is the shortest text that reads back as the same double.
        fmt::format_to(std::back_inserter(out), "{}\t{}\t{}\t{}\t{}\t{}\t{}\n", t, i, n.left,
                       n.right, n.feature, n.threshold, n.n_samples);
      }
    }
  }
  return write_file_atomically(path, std::string_view(out.data(), out.size()));
}

Result<ModelFile> read_model_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return make_error(ErrorCode::kIo, "cannot open " + path.string());
  std::string first;
  std::getline(in, first);
  auto fail = [&](std::string_view what) {
    return make_error(ErrorCode::kInvalidInput, fmt::format("{}:1: {}", path.string(), what));
  };
  if (!first.starts_with("# vigil-ml ")) return fail("not a vigil model (no '# vigil-ml' header)");
  ModelHeader h;
  h.name = std::string(header_field(first, "model="));
  if (!valid_model_name(h.name)) return fail("bad model name");
  if (!parse_number(header_field(first, "schema="), h.schema) ||
      !parse_number(header_field(first, "rows="), h.rows) ||
      !parse_number(header_field(first, "trained_at="), h.trained_at) ||
      !parse_number(header_field(first, "generation="), h.generation))
    return fail("header needs schema, rows, trained_at and generation");
  std::stringstream rest;
  rest << first << '\n' << in.rdbuf();
  auto forest = anomaly::read_sklearn_forest(rest, path.string());
  if (!forest) return tl::unexpected(forest.error());
  auto unseen =
      anomaly::UnseenValues::from_text(header_field(first, "held="), forest->feature_count());
  if (!unseen) return fail(unseen.error().message);
  return ModelFile{std::move(h), std::move(*forest), std::move(*unseen)};
}

}  // namespace vigil::ml
