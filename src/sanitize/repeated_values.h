// The values of one document already copied into the scan buffer, so that a
// value the document holds twice is scanned once: the normalizer's canonical
// fields are copies of the sender's (`session.id` of `session_id`,
// `source.ip` of `ip_address`, ...), and they made up about a quarter of
// the bytes scanned per event of the seed corpus.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "sanitize/scanned_string_cache.h"

namespace vigil::sanitize_detail {

class RepeatedValues {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  // A new document: slots of earlier documents read as empty (a generation
  // count, not a 1 KiB fill per event).
  void clear() {
    used_ = 0;
    if (++generation_ != 0) return;
    slots_.fill(Slot{});  // the count wrapped: slot generations could repeat
    generation_ = 1;
  }

  // The segment an earlier value with the text of `s` was copied to (its
  // text in the buffer is `scanned(segment)`), or kNone after remembering
  // `segment` for it. `h` is ScannedStringCache::ends_of(s, false).hash().
  // Past kMaxValues a document's values are not remembered (each is then
  // scanned, as without this index).
  template <typename Scanned>
  uint32_t find_or_add(uint64_t h, std::string_view s, uint32_t segment, Scanned scanned) {
    // A match is confirmed on the whole text.
    for (size_t i = h >> 58;; i = (i + 1) & kMask) {
      Slot& slot = slots_[i];
      if (slot.generation != generation_) {
        if (used_ == kMaxValues) return kNone;
        ++used_;
        slot = Slot{h, segment, generation_};
        return kNone;
      }
      if (slot.hash == h && scanned(slot.segment) == s) return slot.segment;
    }
  }

 private:
  static constexpr size_t kSlots = 64;  // indexed by a hash's top six bits
  static constexpr size_t kMask = kSlots - 1;
  static constexpr size_t kMaxValues = 48;  // the table stays a quarter empty

  struct Slot {
    uint64_t hash = 0;
    uint32_t segment = kNone;
    uint32_t generation = 0;  // the document it belongs to; 0: never used
  };

  std::array<Slot, kSlots> slots_{};
  size_t used_ = 0;
  uint32_t generation_ = 1;
};

}  // namespace vigil::sanitize_detail
