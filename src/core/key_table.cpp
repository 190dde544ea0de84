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

uint64_t key_tag(uint32_t scope, std::string_view key) {
  return key.size() | uint64_t{scope} << 32;
}

}  // namespace

// For 8..16 bytes the two reads overlap, for 4..7 likewise, and 1..3 bytes
// are read whole (first, middle, last): with the length, equal words mean
// equal keys up to kInlineKey bytes. Inlined: a call was a tenth of a probe.
[[gnu::always_inline]] inline KeyTable::Words KeyTable::key_words(std::string_view key) {
  const char* p = key.data();
  const size_t n = key.size();
  if (n >= 8) return {load<uint64_t>(p), load<uint64_t>(p + n - 8)};
  if (n >= 4) return {load<uint32_t>(p), load<uint32_t>(p + n - 4)};
  if (n == 0) return {};
  return {uint64_t{static_cast<unsigned char>(p[0])} |
              uint64_t{static_cast<unsigned char>(p[n / 2])} << 8 |
              uint64_t{static_cast<unsigned char>(p[n - 1])} << 16,
          0};
}

// Names that agree in their words, length and scope collide; longer than
// kInlineKey bytes they are told apart by comparing the whole key. A slot is
// picked by the product's high bits, which every input bit reaches.
uint64_t KeyTable::key_hash(Words w, uint64_t tag) {
  return ((w.head * 0x9E3779B97F4A7C15ull) ^ (w.tail + tag)) * 0xC2B2AE3D27D4EB4Full;
}

KeyTable::KeyTable() : slots_(16) {}

// Keys up to kInlineKey bytes are whole in their slot's words; only longer
// ones follow the slot to keys_ and compare text.
template <bool kLongKey>
uint32_t KeyTable::probe_as(uint32_t scope, std::string_view key) const {
  const Words w = key_words(key);
  const uint64_t tag = key_tag(scope, key);
  for (size_t i = home(w, tag);; i = (i + 1) & mask_) {
    const Slot& s = slots_[i];
    if (s.entry == 0) return kAbsent;
    if (s.words.head == w.head && s.words.tail == w.tail && s.tag == tag &&
        (!kLongKey || keys_[s.entry - 1] == key)) {
      return s.value;
    }
  }
}

uint32_t KeyTable::probe(uint32_t scope, std::string_view key) const {
  return key.size() > kInlineKey ? probe_as<true>(scope, key) : probe_as<false>(scope, key);
}

uint32_t KeyTable::insert(uint32_t scope, std::string_view key, uint32_t value) {
  if (const uint32_t existing = find(scope, key); existing != kAbsent) return existing;
  if ((keys_.size() + 1) * 4 > slots_.size()) grow();
  keys_.emplace_back(key);
  const size_t bit = filter_bit(key);
  filter_[bit >> 6] |= uint64_t{1} << (bit & 63);
  const Words w = key_words(key);
  const uint64_t tag = key_tag(scope, key);
  size_t i = home(w, tag);
  while (slots_[i].entry != 0) i = (i + 1) & mask_;
  slots_[i] = {w, tag, value, static_cast<uint32_t>(keys_.size())};
  return value;
}

void KeyTable::grow() {
  std::vector<Slot> old(slots_.size() * 2);
  old.swap(slots_);
  mask_ = slots_.size() - 1;
  --shift_;
  for (const Slot& s : old) {
    if (s.entry == 0) continue;
    size_t i = home(s.words, s.tag);
    while (slots_[i].entry != 0) i = (i + 1) & mask_;
    slots_[i] = s;
  }
}

}  // namespace vigil
