#include "sanitize/scanned_string_cache.h"

namespace vigil::sanitize_detail {

void ScannedStringCache::use_for(uint64_t owner) {
  if (owner == owner_) return;
  owner_ = owner;
  slots_.assign(kSlots, Slot{});
  short_keys_.assign(short_keys_.size(), Ends{});
  offered_.assign(kSlots, 0);
}

void ScannedStringCache::offer(std::string_view s, bool is_key, const std::string* replacement) {
  if (s.size() > kMaxLength) return;
  const Ends e = ends_of(s, is_key);
  const uint64_t h = e.hash();
  const size_t i = static_cast<size_t>(h >> 52);
  // Low bits of the hash, so that strings of one slot rarely share them.
  const auto tag = static_cast<uint32_t>(h) | 1;
  if (offered_[i] != tag) {
    offered_[i] = tag;
    return;
  }
  if (is_key && replacement == nullptr && s.size() <= 16) {
    short_keys_[h >> (64 - kShortKeyBits)] = e;
  }
  Slot& slot = slots_[i];
  slot.ends = e;
  if (s.size() > 16) {
    slot.text.assign(s);
  } else {
    slot.text.clear();
  }
  slot.rewritten = replacement != nullptr;
  if (replacement != nullptr) slot.replacement.assign(*replacement);
}

}  // namespace vigil::sanitize_detail
