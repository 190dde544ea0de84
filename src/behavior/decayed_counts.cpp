#include "behavior/decayed_counts.h"

#include <xxhash.h>

#include <algorithm>

namespace vigil::behavior {
namespace {

uint64_t key_of(std::string_view value) {
  return XXH3_64bits(value.data(), value.size());
}

}  // namespace

void DecayedCounts::add(std::string_view value, double weight, int64_t time_s, size_t capacity) {
  const uint64_t key = key_of(value);
  for (auto& s : slots_) {
    if (s.key == key && s.value == value) {
      s.weight += weight;
      s.last_seen_s = std::max(s.last_seen_s, time_s);
      return;
    }
  }
  if (capacity > 0 && slots_.size() >= capacity) {
    auto oldest = std::min_element(slots_.begin(), slots_.end(), [](const Slot& a, const Slot& b) {
      return a.last_seen_s < b.last_seen_s;
    });
    *oldest = Slot{std::string(value), weight, time_s, key};
    return;
  }
  slots_.push_back(Slot{std::string(value), weight, time_s, key});
}

void DecayedCounts::restore(std::string value, double weight, int64_t last_seen_s) {
  const uint64_t key = key_of(value);
  slots_.push_back(Slot{std::move(value), weight, last_seen_s, key});
}

double DecayedCounts::weight(std::string_view value) const {
  const uint64_t key = key_of(value);
  for (const auto& s : slots_) {
    if (s.key == key && s.value == value) return s.weight;
  }
  return 0;
}

double DecayedCounts::total() const {
  double t = 0;
  for (const auto& s : slots_) t += s.weight;
  return t;
}

double DecayedCounts::novelty_probability() const {
  double singletons = 0;
  double total = 0;
  for (const auto& s : slots_) {
    total += s.weight;
    if (s.weight >= kSeenWeight && s.weight < 1.5) singletons += 1;
  }
  return (singletons + 1) / (total + 1);
}

void DecayedCounts::scale(double factor) {
  for (auto& s : slots_) s.weight *= factor;
  // Forgotten values free their slot.
  std::erase_if(slots_, [](const Slot& s) { return s.weight < kSeenWeight / 10; });
}

std::vector<DecayedCounts::Slot> DecayedCounts::top(size_t n) const {
  std::vector<Slot> out = slots_;
  std::sort(out.begin(), out.end(), [](const Slot& a, const Slot& b) {
    return a.weight != b.weight ? a.weight > b.weight : a.value < b.value;
  });
  if (out.size() > n) out.resize(n);
  return out;
}

}  // namespace vigil::behavior
