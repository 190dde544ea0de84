#include "anomaly/sampling.h"

#include <bit>
#include <numeric>

namespace vigil::anomaly {
namespace {

// Open addressing over a power-of-two table at most half full.
class IndexSet {
 public:
  explicit IndexSet(size_t k)
      : slots_(std::bit_ceil(2 * k + 2), kEmpty), mask_(slots_.size() - 1) {}
  bool insert(uint32_t v) {  // false when already present
    for (size_t i = hash(v);; i = (i + 1) & mask_) {
      if (slots_[i] == v) return false;
      if (slots_[i] == kEmpty) {
        slots_[i] = v;
        return true;
      }
    }
  }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  size_t hash(uint32_t v) const { return (v * 0x9E3779B1u) & mask_; }
  std::vector<uint32_t> slots_;
  size_t mask_;
};

}  // namespace

std::vector<uint32_t> sample_indices(size_t n, size_t k, bool with_replacement, Random& rng) {
  std::vector<uint32_t> out;
  out.reserve(k);
  if (with_replacement) {
    for (size_t i = 0; i < k; ++i) out.push_back(static_cast<uint32_t>(rng.below(n)));
    return out;
  }
  if (k >= n) {
    out.resize(n);
    std::iota(out.begin(), out.end(), 0u);
    return out;
  }
  IndexSet seen(k);
  for (size_t j = n - k; j < n; ++j) {
    const auto t = static_cast<uint32_t>(rng.below(j + 1));
    if (seen.insert(t)) {
      out.push_back(t);
    } else {  // t taken: j is new, as every earlier draw was below j
      seen.insert(static_cast<uint32_t>(j));
      out.push_back(static_cast<uint32_t>(j));
    }
  }
  return out;
}

}  // namespace vigil::anomaly
