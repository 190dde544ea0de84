// Literals a text must start (or end) with, found by walking a trie from
// that end of the text. Sigma's `startswith`/`endswith` values are most of
// the literals of path fields (SigmaHQ's process_creation `Image`: 3,825
// suffixes and 434 prefixes of 5,300 patterns); scanning a text for them with
// Hyperscan reads a database the size of the whole set, mostly cold on each
// event, and reports `\cmd.exe` wherever it occurs, while the walk reads as
// many bytes as the longest literal matching at that end and touches one
// node per byte.
#pragma once

#include <cstdint>
#include <map>
#include <string_view>
#include <vector>

namespace vigil::sigma {

class AnchoredLiterals {
 public:
  enum class Anchor { kStart, kEnd };
  explicit AnchoredLiterals(Anchor anchor) : anchor_(anchor) { nodes_.emplace_back(); }

  // Compile time: `id` is reported for every text that starts (kStart) or
  // ends (kEnd) with `literal`; a literal added twice keeps its last id. An
  // empty literal is ignored.
  void add(std::string_view literal, uint32_t id);
  // Compile time, after the last add(): lays the trie out flat for lookups.
  void freeze();

  bool empty() const { return literals_ == 0; }
  size_t size() const { return literals_; }

  // Calls f(id) for each literal `text` starts (ends) with, shortest first.
  template <typename F>
  void for_each_match(std::string_view text, F&& f) const;

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  struct Node {
    uint32_t first_edge = 0;  // into edge_bytes_ / edge_targets_
    uint32_t edge_count = 0;
    uint32_t id = kNone;
  };
  uint32_t child(uint32_t node, unsigned char byte) const;

  Anchor anchor_;
  size_t literals_ = 0;
  std::vector<Node> nodes_;
  // Edges of each node, sorted by byte.
  std::vector<unsigned char> edge_bytes_;
  std::vector<uint32_t> edge_targets_;
  // Compile time only (cleared by freeze): children by byte.
  std::vector<std::map<unsigned char, uint32_t>> building_;
};

inline uint32_t AnchoredLiterals::child(uint32_t node, unsigned char byte) const {
  const Node& n = nodes_[node];
  const unsigned char* first = edge_bytes_.data() + n.first_edge;
  const unsigned char* last = first + n.edge_count;
  // Below the root a node has one or two children: a linear scan is the
  // fastest search there.
  if (n.edge_count > 8) {
    const unsigned char* it = first;
    for (size_t len = n.edge_count; len > 0;) {
      const size_t half = len / 2;
      if (it[half] < byte) {
        it += half + 1;
        len -= half + 1;
      } else {
        len = half;
      }
    }
    first = it;
  }
  for (; first != last && *first <= byte; ++first) {
    if (*first == byte) return edge_targets_[static_cast<size_t>(first - edge_bytes_.data())];
  }
  return kNone;
}

template <typename F>
void AnchoredLiterals::for_each_match(std::string_view text, F&& f) const {
  uint32_t node = 0;
  const size_t n = text.size();
  for (size_t i = 0; i < n; ++i) {
    const char c = anchor_ == Anchor::kStart ? text[i] : text[n - 1 - i];
    node = child(node, static_cast<unsigned char>(c));
    if (node == kNone) return;
    if (nodes_[node].id != kNone) f(nodes_[node].id);
  }
}

}  // namespace vigil::sigma
