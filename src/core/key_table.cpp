#include "core/key_table.h"

#include <cstring>

namespace vigil {

namespace {

template <typename T>
uint64_t load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// The first and last eight bytes (or four, or three single bytes), the
// length and the scope: names that agree there collide and are told apart
// by comparing.
uint64_t key_hash(uint32_t scope, std::string_view key) {
  const char* p = key.data();
  const size_t n = key.size();
  uint64_t a = 0, b = 0;
  if (n >= 8) {
    a = load<uint64_t>(p);
    b = load<uint64_t>(p + n - 8);
  } else if (n >= 4) {
    a = load<uint32_t>(p);
    b = load<uint32_t>(p + n - 4);
  } else if (n > 0) {
    a = uint64_t{static_cast<unsigned char>(p[0])} |
        uint64_t{static_cast<unsigned char>(p[n / 2])} << 8 |
        uint64_t{static_cast<unsigned char>(p[n - 1])} << 16;
  }
  uint64_t h = (a * 0x9E3779B97F4A7C15ull) ^ (b + n) ^ (uint64_t{scope} << 40);
  h *= 0xC2B2AE3D27D4EB4Full;
  return h ^ (h >> 29);
}

}  // namespace

KeyTable::KeyTable() : slots_(16) {}

uint32_t KeyTable::probe(uint32_t scope, std::string_view key) const {
  const uint64_t h = key_hash(scope, key);
  const size_t mask = slots_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (s.entry == 0) return kAbsent;
    if (s.hash == h && s.scope == scope && keys_[s.entry - 1] == key) return values_[s.entry - 1];
  }
}

uint32_t KeyTable::insert(uint32_t scope, std::string_view key, uint32_t value) {
  if (const uint32_t existing = find(scope, key); existing != kAbsent) return existing;
  if ((keys_.size() + 1) * 4 > slots_.size()) grow();
  keys_.emplace_back(key);
  values_.push_back(value);
  const size_t bit = filter_bit(key);
  filter_[bit >> 6] |= uint64_t{1} << (bit & 63);
  const uint64_t h = key_hash(scope, key);
  const size_t mask = slots_.size() - 1;
  size_t i = h & mask;
  while (slots_[i].entry != 0) i = (i + 1) & mask;
  slots_[i] = {h, scope, static_cast<uint32_t>(keys_.size())};
  return value;
}

void KeyTable::grow() {
  std::vector<Slot> old(slots_.size() * 2);
  old.swap(slots_);
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.entry == 0) continue;
    size_t i = s.hash & mask;
    while (slots_[i].entry != 0) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

}  // namespace vigil
