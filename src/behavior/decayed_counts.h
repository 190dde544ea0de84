// Weighted counts of the values one entity showed in one dimension
// (countries, resources, devices, ...), bounded: past `capacity` values the
// least-recently-seen one is dropped. Weights decay with the entity's
// baseline (scale()), so old habits fade instead of counting forever.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/cache_prefetch.h"

namespace vigil::behavior {

class DecayedCounts {
 public:
  struct Slot {
    std::string value;
    double weight = 0;
    int64_t last_seen_s = 0;  // event time
  };

  // A value whose weight fell below this no longer counts as "seen".
  static constexpr double kSeenWeight = 0.05;

  void add(std::string_view value, double weight, int64_t time_s, size_t capacity);
  // A slot as saved (baselines read back from the store).
  void restore(std::string value, double weight, int64_t last_seen_s);
  double weight(std::string_view value) const;
  bool seen(std::string_view value) const { return weight(value) >= kSeenWeight; }
  double total() const;
  // Good-Turing estimate of the chance that the next observation is a value
  // never seen before: (values seen about once + 1) / (total weight + 1).
  double novelty_probability() const;
  void scale(double factor);

  size_t size() const { return counts_.size(); }
  // Starts loading what a lookup scans (the keys and weights, not the texts).
  void prefetch() const { prefetch_lines(counts_.data(), counts_.size() * sizeof(Count)); }
  bool empty() const { return counts_.empty(); }
  // Every slot, in the order they were added (a copy: for the store).
  std::vector<Slot> slots() const;
  // The heaviest first.
  std::vector<Slot> top(size_t n) const;

 private:
  // Few per entity (at most max_values): a linear scan beats a hash table.
  // What a scan reads (the value's XXH3, compared before the text, and the
  // weight) is kept apart from the texts, 24 bytes a slot: with thousands of
  // entities each event's dimensions are cache misses, and 56-byte slots
  // holding the text spread a scan over twice the lines.
  struct Count {
    uint64_t key = 0;  // XXH3 of the value
    double weight = 0;
    int64_t last_seen_s = 0;
  };
  // The slot holding `value`, or size().
  size_t find(std::string_view value, uint64_t key) const;

  std::vector<Count> counts_;
  std::vector<std::string> values_;  // values_[i] is counts_[i]'s
};

}  // namespace vigil::behavior
