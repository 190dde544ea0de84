// Member names to small ids, for looking up every key of an event against a
// fixed set of names compiled once (rule fields, path prefixes). Most of an
// event's keys are in no set: a 256-bit filter on (length, first byte, last
// byte) turns most of those away before any hashing; the rest cost an inline
// hash and one probe of an open-addressing table kept at most a quarter full.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

class KeyTable {
 public:
  static constexpr uint32_t kAbsent = UINT32_MAX;

  KeyTable();

  // A name is looked up within a scope (a parent node, or 0 for a flat set):
  // the same name in two scopes is two entries.
  // Adds (scope, key) -> value unless present; returns the value it has.
  uint32_t insert(uint32_t scope, std::string_view key, uint32_t value);
  uint32_t find(uint32_t scope, std::string_view key) const {
    return may_contain(key) ? probe(scope, key) : kAbsent;
  }
  size_t size() const { return keys_.size(); }

 private:
  // Two words read from a key (its first and last eight bytes, or four, or
  // three single bytes) that, with its length, are the whole key when it is
  // at most kInlineKey bytes long: such keys are compared as words in the
  // slot, never through keys_.
  struct Words {
    uint64_t head = 0;
    uint64_t tail = 0;
  };
  static constexpr size_t kInlineKey = 16;
  static Words key_words(std::string_view key);
  static uint64_t key_hash(Words w, uint64_t tag);
  size_t home(Words w, uint64_t tag) const { return key_hash(w, tag) >> shift_; }

  struct Slot {
    Words words;
    uint64_t tag = 0;  // length | scope << 32
    uint32_t value = 0;
    uint32_t entry = 0;  // 1 + index into keys_; 0: empty
  };
  static size_t filter_bit(std::string_view key) {
    if (key.empty()) return 0;
    return (key.size() * 13 + static_cast<unsigned char>(key.front()) * 7 +
            static_cast<unsigned char>(key.back())) &
           255;
  }
  bool may_contain(std::string_view key) const {
    const size_t bit = filter_bit(key);
    return (filter_[bit >> 6] >> (bit & 63)) & 1;
  }
  uint32_t probe(uint32_t scope, std::string_view key) const;
  template <bool kLongKey>
  uint32_t probe_as(uint32_t scope, std::string_view key) const;
  void grow();

  std::vector<std::string> keys_;
  std::vector<Slot> slots_;  // power-of-two size
  size_t mask_ = 15;         // slots_.size() - 1
  unsigned shift_ = 60;      // 64 - log2(slots_.size())
  uint64_t filter_[4] = {};
};

}  // namespace vigil
