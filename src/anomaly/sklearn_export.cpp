#include "anomaly/sklearn_export.h"

#include <fmt/format.h>

#include <charconv>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::anomaly {
namespace {

constexpr std::string_view kColumns = "tree\tnode\tleft\tright\tfeature\tthreshold\tn_node_samples";

// Header values written by the exporter, e.g. "offset_=-0.5"; nullopt if absent.
std::optional<double> header_value(const std::string& comments, std::string_view key) {
  const size_t at = comments.find(key);
  if (at == std::string::npos) return std::nullopt;
  const char* begin = comments.data() + at + key.size();
  double v = 0;
  auto [end, ec] = std::from_chars(begin, comments.data() + comments.size(), v);
  if (ec != std::errc()) return std::nullopt;
  return v;
}

template <typename T>
bool parse_field(std::string_view s, T& out) {
  if (s == "nan") {
    if constexpr (std::is_floating_point_v<T>) {
      out = std::numeric_limits<T>::quiet_NaN();
      return true;
    }
    return false;
  }
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

struct Row {
  int64_t tree, node;
  TreeNode n;
};

bool parse_row(std::string_view line, Row& row) {
  std::string_view f[7];
  for (int i = 0; i < 7; ++i) {
    const size_t tab = line.find('\t');
    if ((tab == std::string_view::npos) != (i == 6)) return false;
    f[i] = line.substr(0, tab);
    line = tab == std::string_view::npos ? std::string_view() : line.substr(tab + 1);
  }
  return parse_field(f[0], row.tree) && parse_field(f[1], row.node) &&
         parse_field(f[2], row.n.left) && parse_field(f[3], row.n.right) &&
         parse_field(f[4], row.n.feature) && parse_field(f[5], row.n.threshold) &&
         parse_field(f[6], row.n.n_samples);
}

Result<void> add_row(const Row& row, std::vector<TreeNodes>& trees) {
  if (row.tree != static_cast<int64_t>(trees.size()) - 1 &&
      row.tree != static_cast<int64_t>(trees.size())) {
    return make_error(ErrorCode::kInvalidInput, "trees must be listed in order");
  }
  if (row.tree == static_cast<int64_t>(trees.size())) trees.emplace_back();
  TreeNodes& tree = trees.back();
  if (row.node != static_cast<int64_t>(tree.size())) {
    return make_error(ErrorCode::kInvalidInput, "nodes must be listed in order");
  }
  TreeNode n = row.n;
  if (n.left == TreeNode::kNoChild) n.feature = -1;
  tree.push_back(n);
  return {};
}

}  // namespace

Result<IsolationForest> read_sklearn_forest(std::istream& in, const std::string& source) {
  std::string line, comments;
  std::vector<TreeNodes> trees;
  size_t line_no = 0;
  bool header_seen = false;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (line[0] == '#') {
      comments += line + '\n';
      continue;
    }
    auto fail = [&](std::string_view what) {
      return make_error(ErrorCode::kInvalidInput, fmt::format("{}:{}: {}", source, line_no, what));
    };
    if (!header_seen) {
      if (line != kColumns) return fail(fmt::format("expected the header \"{}\"", kColumns));
      header_seen = true;
      continue;
    }
    Row row{};
    if (!parse_row(line, row)) return fail("expected 7 tab-separated numbers");
    auto ok = add_row(row, trees);
    if (!ok) return fail(ok.error().message);
  }
  if (trees.empty()) return make_error(ErrorCode::kInvalidInput, source + ": no trees");

  int64_t max_feature = -1;
  uint32_t largest_root = 0;
  for (const auto& t : trees) {
    largest_root = std::max(largest_root, t[0].n_samples);
    for (const auto& n : t) max_feature = std::max<int64_t>(max_feature, n.feature);
  }
  // Without the header comment: ψ is the roots' sample count (no bootstrap),
  // the offset sklearn's "auto" one.
  const auto psi = header_value(comments, "max_samples_=").value_or(largest_root);
  const auto offset = header_value(comments, "offset_=").value_or(kAutoOffset);
  const auto features = header_value(comments, "n_features=").value_or(max_feature + 1);
  auto forest =
      IsolationForest::from_trees(trees, static_cast<size_t>(features), static_cast<uint32_t>(psi),
                                  offset, PathLengthFormula::kLogApproximation);
  if (!forest) return make_error(forest.error().code, source + ": " + forest.error().message);
  return forest;
}

Result<IsolationForest> load_sklearn_forest(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return make_error(ErrorCode::kIo, "cannot open " + path.string());
  return read_sklearn_forest(in, path.string());
}

}  // namespace vigil::anomaly
