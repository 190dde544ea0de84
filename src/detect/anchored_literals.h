// Literals a text must start (or end) with, found by walking a trie from
// that end of the text. Sigma's `startswith`/`endswith` values are most of
// the literals of path fields (SigmaHQ's process_creation `Image`: 3,825
// suffixes and 434 prefixes of 5,300 patterns); scanning a text for them with
// Hyperscan reads a database the size of the whole set, mostly cold on each
// event, and reports `\cmd.exe` wherever it occurs, while the walk reads as
// many bytes as the longest literal matching at that end. The frozen trie is
// path-compressed (a run of nodes with one child and no literal is one node
// whose label is the run's bytes) and laid out depth-first, so a walk
// compares runs of bytes in place instead of chasing a node per byte.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "detect/huge_pages.h"

namespace vigil::sigma {

class AnchoredLiterals {
 public:
  enum class Anchor { kStart, kEnd };
  explicit AnchoredLiterals(Anchor anchor) : anchor_(anchor) { building_.emplace_back(); }

  // Compile time, before freeze(): `id` is reported for every text that
  // starts (kStart) or ends (kEnd) with `literal`; a literal added twice
  // keeps its last id. An empty literal is ignored.
  void add(std::string_view literal, uint32_t id);
  // Compile time, after the last add(): lays the trie out for lookups.
  void freeze();

  bool empty() const { return literals_ == 0; }
  size_t size() const { return literals_; }

  // The lines every walk reads (the root and its edges), for a matcher's
  // footprint (Rule::footprint).
  void footprint(std::vector<const void*>& out) const;
  // Every block a walk may read (huge_pages.h).
  void heap_blocks(std::vector<HeapBlock>& out) const;

  // Calls f(id) for each literal `text` starts (ends) with, shortest first.
  template <typename F>
  void for_each_match(std::string_view text, F&& f) const;

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  struct Node {
    uint32_t first_edge = 0;  // into edge_bytes_ / edge_targets_
    uint32_t edge_count = 0;
    uint32_t label_begin = 0;  // into labels_: the bytes after the edge byte
    uint32_t label_size = 0;
    uint32_t id = kNone;
  };
  struct Building {
    std::map<unsigned char, uint32_t> children;
    uint32_t id = kNone;
  };
  uint32_t child(const Node& n, unsigned char byte) const;
  uint32_t emit(uint32_t building, std::string label);

  Anchor anchor_;
  size_t literals_ = 0;
  std::vector<Node> nodes_;  // depth-first; nodes_[0] is the root
  // Edges of each node, sorted by byte.
  std::vector<unsigned char> edge_bytes_;
  std::vector<uint32_t> edge_targets_;
  std::string labels_;              // in walk order (reversed for kEnd)
  std::vector<Building> building_;  // compile time only
};

inline uint32_t AnchoredLiterals::child(const Node& n, unsigned char byte) const {
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
  if (nodes_.empty()) return;
  const size_t n = text.size();
  const bool from_start = anchor_ == Anchor::kStart;
  // The i-th byte of the text in walk order.
  const auto at = [&](size_t i) {
    return static_cast<unsigned char>(from_start ? text[i] : text[n - 1 - i]);
  };
  const Node* node = &nodes_[0];
  for (size_t i = 0; i < n;) {
    const uint32_t next = child(*node, at(i));
    if (next == kNone) return;
    node = &nodes_[next];
    ++i;
    if (node->label_size > n - i) return;
    const char* label = labels_.data() + node->label_begin;
    for (uint32_t k = 0; k < node->label_size; ++k, ++i) {
      if (at(i) != static_cast<unsigned char>(label[k])) return;
    }
    if (node->id != kNone) f(node->id);
  }
}

}  // namespace vigil::sigma
