// Strings the detector has already scanned, and what sanitizing them gave:
// the keys of every event and the values that repeat (host names, user
// agents, paths, event types — and addresses, rewritten the same way each
// time) are scanned once per thread rather than once per event. Exact: a hit
// compares the whole string. What a string becomes depends on its text alone
// (strings are scanned '\0'-separated; no pattern spans two). Keys and values
// are kept apart (a key can be sensitive where the same text as a value is
// not), and only clean, non-sensitive keys are kept.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::sanitize_detail {

class ScannedStringCache {
 public:
  // Direct-mapped: 4,096 slots held ~80 % of the seed corpus's strings.
  static constexpr unsigned kSlotBits = 12;
  static constexpr size_t kSlots = size_t{1} << kSlotBits;
  // Longer strings are rarely repeated and would hold memory for nothing.
  static constexpr size_t kMaxLength = 256;

  enum class Known : uint8_t { kNo, kClean, kRewritten };

  // The cache belongs to one sanitizer (one policy) at a time: another
  // owner's verdicts do not hold under this one's patterns.
  void use_for(uint64_t owner);

  struct Ends;

  // kRewritten sets *replacement to what `s` becomes; valid until the next
  // offer(). `e` is ends_of(s, is_key): a document's string is looked up,
  // checked for repeats and offered with the Ends and hash computed once.
  Known find(const Ends& e, std::string_view s, const std::string** replacement) const;
  bool contains_clean(const Ends& e, std::string_view s) const;
  // `s` scanned and found clean (replacement null), or rewritten to
  // *replacement; `hash` is ends_of(s, is_key).hash(). Kept the second time
  // it is offered: one-off strings (time stamps, messages) then neither cost
  // a copy nor push out repeated ones.
  void offer(uint64_t hash, std::string_view s, bool is_key, const std::string* replacement);

  // Whether the values of the key with this hash are worth looking up: not
  // after kGiveUp misses in a row, then once every ~200 values again (a key
  // whose values start repeating is looked up again).
  bool values_repeat(uint64_t key_hash) {
    uint8_t& misses = value_misses_[key_hash >> (64 - kShortKeyBits)];
    if (misses < kGiveUp) return true;
    if (++misses != 0) return false;
    misses = kGiveUp - 1;  // one lookup decides
    return true;
  }
  void record_value_lookup(uint64_t key_hash, bool found) {
    uint8_t& misses = value_misses_[key_hash >> (64 - kShortKeyBits)];
    misses = found ? 0 : static_cast<uint8_t>(misses + (misses < kGiveUp));
  }

  // The same for a string whose Ends are not at hand.
  Known find(std::string_view s, bool is_key, const std::string** replacement) const {
    return find(ends_of(s, is_key), s, replacement);
  }
  bool contains_clean(std::string_view s, bool is_key) const {
    return contains_clean(ends_of(s, is_key), s);
  }
  void offer(std::string_view s, bool is_key, const std::string* replacement) {
    offer(ends_of(s, is_key).hash(), s, is_key, replacement);
  }

  // The first and last eight bytes (or four, or three single bytes: all of
  // a string of up to 16 bytes), the length and the kind: what a slot
  // compares, and the hash of a text (RepeatedValues hashes with it too).
  struct Ends {
    uint64_t head = 0;
    uint64_t tail = 0;
    uint64_t size_and_kind = 0;  // its length bits 0 in an empty slot: no string has it
    bool operator==(const Ends&) const = default;
    uint64_t hash() const {
      const uint64_t h = (head * 0x9E3779B97F4A7C15ull) ^ (tail + size_and_kind);
      return h * 0xC2B2AE3D27D4EB4Full;
    }
    size_t slot() const { return static_cast<size_t>(hash() >> (64 - kSlotBits)); }
  };
  static Ends ends_of(std::string_view s, bool is_key) {
    const char* p = s.data();
    const size_t n = s.size();
    Ends e;
    if (n >= 8) {
      std::memcpy(&e.head, p, 8);
      std::memcpy(&e.tail, p + n - 8, 8);
    } else if (n >= 4) {
      uint32_t a, b;
      std::memcpy(&a, p, 4);
      std::memcpy(&b, p + n - 4, 4);
      e.head = a;
      e.tail = b;
    } else if (n > 0) {
      e.head = uint64_t{static_cast<unsigned char>(p[0])} |
               uint64_t{static_cast<unsigned char>(p[n / 2])} << 8 |
               uint64_t{static_cast<unsigned char>(p[n - 1])} << 16;
    }
    e.size_and_kind = (uint64_t{n} << 2) | (is_key ? kKeyBit : 0) | 1;
    return e;
  }

 private:
  // A slot's Ends apart from its texts: a lookup reads 24 bytes of a 96 KiB
  // array, not a 96-byte slot of 384 KiB (two workers' tables and their
  // events did not fit the second-level cache), and only a long string or a
  // rewrite reads the texts. The Ends held carry kRewrittenBit when the
  // string has a rewrite, and in kOfferedBits a tag of the last string
  // offered once for the slot (offer() reads the line the lookup before it
  // loaded, not a table of its own).
  static constexpr uint64_t kRewrittenBit = uint64_t{1} << 63;
  static constexpr unsigned kOfferedShift = 32;
  static constexpr uint64_t kOfferedBits = ((uint64_t{1} << 31) - 1) << kOfferedShift;
  static constexpr uint64_t kHeldBits = ~(kRewrittenBit | kOfferedBits);
  static constexpr uint64_t kKeyBit = 2;  // of Ends::size_and_kind

  // Clean keys of up to 16 bytes again, in a table of 12 KiB: an event's ~25
  // keys are a few dozen names, looked up in every event, and in the main
  // table each cost a load that had left the first-level cache. Direct-mapped:
  // the seed corpus's 60 short key names share 128 slots 8 times (each loser
  // went to the main table at every event), 512 slots once.
  static constexpr unsigned kShortKeyBits = 9;
  std::vector<Ends> short_keys_ = std::vector<Ends>(size_t{1} << kShortKeyBits);
  // Per key (by the same hash bits as short_keys_): values missed in a row,
  // or past kGiveUp a count of values not looked up.
  static constexpr uint8_t kGiveUp = 32;
  std::vector<uint8_t> value_misses_ = std::vector<uint8_t>(size_t{1} << kShortKeyBits);
  // The text of a slot's string longer than 16 bytes, at slot * kMaxLength
  // of one block (1 MiB, allocated on first use and touched only where long
  // strings are held): a hit compares it after one load, where a std::string
  // per slot cost a second, dependent one for its heap buffer.
  const char* long_text(size_t slot) const { return long_texts_.get() + slot * kMaxLength; }
  std::vector<Ends> held_;  // allocated on first use
  std::unique_ptr<char[]> long_texts_;
  std::vector<std::string> replacements_;  // of rewritten strings; allocated on first use
  uint64_t owner_ = 0;
};

inline ScannedStringCache::Known ScannedStringCache::find(const Ends& e, std::string_view s,
                                                          const std::string** replacement) const {
  if (s.size() > kMaxLength) return Known::kNo;
  const size_t i = e.slot();
  const Ends& held = held_[i];
  if (held.head != e.head || held.tail != e.tail ||
      (held.size_and_kind & kHeldBits) != e.size_and_kind) {
    return Known::kNo;
  }
  // Up to 16 bytes the ends are the whole string.
  if (s.size() > 16 && std::memcmp(long_text(i), s.data(), s.size()) != 0) {
    return Known::kNo;
  }
  if ((held.size_and_kind & kRewrittenBit) == 0) return Known::kClean;
  *replacement = &replacements_[i];
  return Known::kRewritten;
}

inline bool ScannedStringCache::contains_clean(const Ends& e, std::string_view s) const {
  // Up to 16 bytes the ends are the whole key.
  if ((e.size_and_kind & kKeyBit) != 0 && s.size() <= 16 &&
      short_keys_[e.hash() >> (64 - kShortKeyBits)] == e) {
    return true;
  }
  const std::string* unused = nullptr;
  return find(e, s, &unused) == Known::kClean;
}

}  // namespace vigil::sanitize_detail
