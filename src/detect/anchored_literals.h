// Literals a text must start (or end) with, found by walking a trie from
// that end of the text. Sigma's `startswith`/`endswith` values are most of
// the literals of path fields (SigmaHQ's process_creation `Image`: 3,825
// suffixes and 434 prefixes of 5,300 patterns); scanning a text for them with
// Hyperscan reads a database the size of the whole set, mostly cold on each
// event, and reports `\cmd.exe` wherever it occurs, while the walk reads as
// many bytes as the longest literal matching at that end. The frozen trie is
// path-compressed (a run of nodes with one child and no literal is one node
// whose label is the run's bytes) and laid out depth-first, so a walk
// compares runs of bytes in place instead of chasing a node per byte. Each
// node is one record (its label, edge bytes and children together), so a
// step of a walk reads one place, most often one cache line.
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
  // A frozen node's record in records_, at a word offset: its id, its
  // label's size and its edge count, then its label's bytes and its edges'
  // bytes (sorted), then, from the next word, its children's offsets.
  // Records are laid out depth-first, so a node's first child follows it.
  // (Four arrays — nodes, edge bytes, edge targets, labels — cost up to four
  // cold lines a step: on the SigmaHQ regression events one record a node
  // cut the walks' first-level misses by a third, ~2 % of match()'s cycles.)
  static constexpr uint32_t kId = 0, kLabelSize = 1, kEdgeCount = 2, kHeaderWords = 3;
  struct Building {
    std::map<unsigned char, uint32_t> children;
    uint32_t id = kNone;
  };
  static uint32_t words_for(size_t bytes) { return static_cast<uint32_t>((bytes + 3) / 4); }
  const unsigned char* bytes_of(uint32_t node) const {
    return reinterpret_cast<const unsigned char*>(records_.data() + node + kHeaderWords);
  }
  uint32_t child(uint32_t node, unsigned char byte) const;
  uint32_t emit(uint32_t building, const std::string& label);

  Anchor anchor_;
  size_t literals_ = 0;
  std::vector<uint32_t> records_;   // the root's record first
  std::vector<Building> building_;  // compile time only
};

inline uint32_t AnchoredLiterals::child(uint32_t node, unsigned char byte) const {
  const uint32_t label_size = records_[node + kLabelSize];
  const uint32_t edges = records_[node + kEdgeCount];
  const unsigned char* base = bytes_of(node) + label_size;
  const unsigned char* first = base;
  const unsigned char* last = first + edges;
  // Below the root a node has one or two children: a linear scan is the
  // fastest search there.
  if (edges > 8) {
    const unsigned char* it = first;
    for (size_t len = edges; len > 0;) {
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
    if (*first == byte) {
      const uint32_t targets = node + kHeaderWords + words_for(label_size + edges);
      return records_[targets + static_cast<uint32_t>(first - base)];
    }
  }
  return kNone;
}

template <typename F>
void AnchoredLiterals::for_each_match(std::string_view text, F&& f) const {
  if (records_.empty()) return;
  const size_t n = text.size();
  const bool from_start = anchor_ == Anchor::kStart;
  // The i-th byte of the text in walk order.
  const auto at = [&](size_t i) {
    return static_cast<unsigned char>(from_start ? text[i] : text[n - 1 - i]);
  };
  uint32_t node = 0;
  for (size_t i = 0; i < n;) {
    node = child(node, at(i));
    if (node == kNone) return;
    ++i;
    const uint32_t label_size = records_[node + kLabelSize];
    if (label_size > n - i) return;
    const unsigned char* label = bytes_of(node);
    for (uint32_t k = 0; k < label_size; ++k, ++i) {
      if (at(i) != label[k]) return;
    }
    if (records_[node + kId] != kNone) f(records_[node + kId]);
  }
}

}  // namespace vigil::sigma
