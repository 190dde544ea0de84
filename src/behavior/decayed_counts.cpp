#include "behavior/decayed_counts.h"

#include <xxhash.h>

#include <algorithm>

namespace vigil::behavior {
namespace {

uint64_t key_of(std::string_view value) {
  return XXH3_64bits(value.data(), value.size());
}

}  // namespace

size_t DecayedCounts::find(std::string_view value, uint64_t key) const {
  for (size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i].key == key && values_[i] == value) return i;
  }
  return counts_.size();
}

void DecayedCounts::add(std::string_view value, double weight, int64_t time_s, size_t capacity) {
  const uint64_t key = key_of(value);
  if (const size_t i = find(value, key); i < counts_.size()) {
    counts_[i].weight += weight;
    counts_[i].last_seen_s = std::max(counts_[i].last_seen_s, time_s);
    return;
  }
  if (capacity > 0 && counts_.size() >= capacity) {
    auto oldest = std::min_element(
        counts_.begin(), counts_.end(),
        [](const Count& a, const Count& b) { return a.last_seen_s < b.last_seen_s; });
    *oldest = Count{key, weight, time_s};
    values_[static_cast<size_t>(oldest - counts_.begin())] = std::string(value);
    return;
  }
  counts_.push_back(Count{key, weight, time_s});
  values_.emplace_back(value);
}

void DecayedCounts::restore(std::string value, double weight, int64_t last_seen_s) {
  counts_.push_back(Count{key_of(value), weight, last_seen_s});
  values_.push_back(std::move(value));
}

double DecayedCounts::weight(std::string_view value) const {
  const size_t i = find(value, key_of(value));
  return i < counts_.size() ? counts_[i].weight : 0;
}

double DecayedCounts::total() const {
  double t = 0;
  for (const auto& c : counts_) t += c.weight;
  return t;
}

double DecayedCounts::novelty_probability() const {
  double singletons = 0;
  double total = 0;
  for (const auto& c : counts_) {
    total += c.weight;
    if (c.weight >= kSeenWeight && c.weight < 1.5) singletons += 1;
  }
  return (singletons + 1) / (total + 1);
}

void DecayedCounts::scale(double factor) {
  // Forgotten values free their slot; the others keep their order.
  size_t kept = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    Count c = counts_[i];
    c.weight *= factor;
    if (c.weight < kSeenWeight / 10) continue;
    counts_[kept] = c;
    if (kept != i) values_[kept] = std::move(values_[i]);
    ++kept;
  }
  counts_.resize(kept);
  values_.resize(kept);
}

std::vector<DecayedCounts::Slot> DecayedCounts::slots() const {
  std::vector<Slot> out;
  out.reserve(counts_.size());
  for (size_t i = 0; i < counts_.size(); ++i)
    out.push_back(Slot{values_[i], counts_[i].weight, counts_[i].last_seen_s});
  return out;
}

std::vector<DecayedCounts::Slot> DecayedCounts::top(size_t n) const {
  std::vector<Slot> out = slots();
  std::sort(out.begin(), out.end(), [](const Slot& a, const Slot& b) {
    return a.weight != b.weight ? a.weight > b.weight : a.value < b.value;
  });
  if (out.size() > n) out.resize(n);
  return out;
}

}  // namespace vigil::behavior
