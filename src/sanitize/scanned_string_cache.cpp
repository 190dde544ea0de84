#include "sanitize/scanned_string_cache.h"

namespace vigil::sanitize_detail {

void ScannedStringCache::use_for(uint64_t owner) {
  if (owner == owner_) return;
  owner_ = owner;
  held_.assign(kSlots, Ends{});
  // Not value-initialized: a slot's text is written before a lookup reads it.
  if (!long_texts_) long_texts_.reset(new char[kSlots * kMaxLength]);
  replacements_.assign(kSlots, std::string());
  short_keys_.assign(short_keys_.size(), Ends{});
  value_misses_.assign(value_misses_.size(), 0);
}

void ScannedStringCache::offer(uint64_t h, std::string_view s, bool is_key,
                               const std::string* replacement) {
  if (s.size() > kMaxLength) return;
  const auto i = static_cast<size_t>(h >> (64 - kSlotBits));  // Ends::slot()
  // Bits 21..51 of the hash: apart from the slot's top bits, and not its low
  // bits, which depend only on the low bytes of the string's ends (all the
  // "user-NNN" of a slot had one tag, and each was kept on its first offer).
  const uint64_t tag = (((h >> 21) | 1) << kOfferedShift) & kOfferedBits;
  if ((held_[i].size_and_kind & kOfferedBits) != tag) {
    held_[i].size_and_kind = (held_[i].size_and_kind & ~kOfferedBits) | tag;
    return;
  }
  // Offered again: worth keeping, and worth its Ends (most strings stop above).
  const Ends e = ends_of(s, is_key);
  if (is_key && replacement == nullptr && s.size() <= 16) {
    short_keys_[h >> (64 - kShortKeyBits)] = e;
  }
  held_[i] = e;
  // A short string's text is never read (its Ends are all of it): a stale
  // long text left in the slot costs nothing, and is never compared (sizes
  // differ).
  if (s.size() > 16) std::memcpy(long_texts_.get() + i * kMaxLength, s.data(), s.size());
  if (replacement != nullptr) {
    held_[i].size_and_kind |= kRewrittenBit;
    replacements_[i].assign(*replacement);
  }
}

}  // namespace vigil::sanitize_detail
