#include "metrics/label_interner.h"

#include <bit>
#include <functional>

namespace vigil::metrics {
namespace {

uint64_t hash_of(std::string_view v) {
  // In-process only (never persisted or shared), so std::hash is fine here.
  return std::hash<std::string_view>{}(v);
}

uint64_t make_slot(uint64_t hash, size_t index) {
  return (hash & 0xffffffff00000000ull) | static_cast<uint64_t>(index + 1);
}

}  // namespace

LabelInterner::LabelInterner(size_t capacity, std::string overflow_label)
    : capacity_(capacity),
      overflow_(std::move(overflow_label)),
      // At most half full, so probes stay short and always end at an empty slot.
      mask_(std::bit_ceil(2 * capacity + 2) - 1),
      values_(std::make_unique<std::string[]>(capacity)),
      slots_(std::make_unique<Slot[]>(mask_ + 1)) {}

int64_t LabelInterner::find(std::string_view value, uint64_t hash) const {
  const uint64_t tag = hash & 0xffffffff00000000ull;
  for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
    const uint64_t s = slots_[i].load(std::memory_order_acquire);
    if (s == 0) return -1;
    if ((s & 0xffffffff00000000ull) != tag) continue;
    const size_t index = (s & 0xffffffffu) - 1;
    if (values_[index] == value) return static_cast<int64_t>(index);
  }
}

uint32_t LabelInterner::overflow() {
  // Check before storing: a store on every overflowing event would bounce
  // the cache line between workers for nothing.
  if (!overflow_used_.load(std::memory_order_relaxed)) {
    overflow_used_.store(true, std::memory_order_relaxed);
  }
  return overflow_index();
}

uint32_t LabelInterner::intern(std::string_view value) {
  if (value.empty() || value.size() > kMaxValueBytes || value == overflow_) return overflow();
  const uint64_t hash = hash_of(value);
  if (int64_t found = find(value, hash); found >= 0) return static_cast<uint32_t>(found);
  if (size_.load(std::memory_order_acquire) >= capacity_) return overflow();

  std::lock_guard lock(insert_mu_);
  // Another thread may have inserted it between the lock-free probe and here.
  if (int64_t found = find(value, hash); found >= 0) return static_cast<uint32_t>(found);
  const size_t index = size_.load(std::memory_order_relaxed);
  if (index >= capacity_) return overflow();
  values_[index] = std::string(value);
  size_t i = hash & mask_;
  while (slots_[i].load(std::memory_order_relaxed) != 0) i = (i + 1) & mask_;
  // Release: a reader that sees the slot also sees the string behind it.
  slots_[i].store(make_slot(hash, index), std::memory_order_release);
  size_.store(index + 1, std::memory_order_release);
  return static_cast<uint32_t>(index);
}

std::string_view LabelInterner::value(uint32_t index) const {
  if (index < size()) return values_[index];
  return overflow_;
}

}  // namespace vigil::metrics
