// Long literals found by an eight-byte window slid over the text. A field
// with thousands of literals (SigmaHQ's process_creation `CommandLine`:
// ~8,100, most of 8 bytes or more) makes a Hyperscan database of ~0.8 MB
// that is cold at every event and confirms candidates at most positions of
// a command line. Here each literal of kGram bytes or more is indexed by one
// of its eight-byte grams (the one fewest of the set's literals share), and
// a scan reads each eight bytes of the text once: a bit of a 64 KB filter,
// then, on the few positions that pass, a table lookup of the gram and a
// comparison of the literals indexed by it. Exact: an occurrence of a
// literal puts its indexed gram at some position of the text.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "core/key_table.h"
#include "detect/huge_pages.h"

namespace vigil::sigma {

class GramLiterals {
 public:
  static constexpr size_t kGram = 8;

  // Compile time, before freeze(): `id` is reported for each occurrence of
  // `literal` (at least kGram bytes; shorter ones are ignored).
  void add(std::string_view literal, uint32_t id);
  // Compile time, after the last add(): picks each literal's gram and lays
  // out the filter and the table.
  void freeze();

  bool empty() const { return entries_.empty(); }
  // The filter, the literals' entries and texts (huge_pages.h).
  void heap_blocks(std::vector<HeapBlock>& out) const {
    out.push_back({filter_.data(), filter_.size() * sizeof(uint64_t)});
    out.push_back({first_.data(), first_.size() * sizeof(uint32_t)});
    out.push_back({entries_.data(), entries_.size() * sizeof(Entry)});
    out.push_back({text_.data(), text_.size()});
  }
  size_t size() const { return entries_.size(); }

  // Calls f(id) for each occurrence of a literal in `text` (a literal found
  // twice is reported twice).
  template <typename F>
  void for_each_match(std::string_view text, F&& f) const;

 private:
  // 2^19 bits, 64 KB (one filter a big field): SigmaHQ's 5,342 long
  // `CommandLine` literals (at most as many grams) set ~1 % of the bits, so
  // a command line's positions rarely pass.
  // 16 KB ran ~1-2 % slower on the regression events, 4 KB slower still.
  static constexpr unsigned kFilterBits = 19;
  static uint64_t load(const char* p) {
    uint64_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  static uint32_t filter_bit(uint64_t gram) {
    return static_cast<uint32_t>((gram * 0x9E3779B97F4A7C15ull) >> (64 - kFilterBits));
  }
  struct Entry {
    uint32_t offset;       // of the indexed gram in the literal
    uint32_t begin, size;  // the literal in text_
    uint32_t id;
  };

  std::vector<std::pair<std::string, uint32_t>> pending_;  // compile time only
  std::vector<uint64_t> filter_;
  KeyTable grams_;               // gram -> its index g
  std::vector<uint32_t> first_;  // entries of gram g: entries_[first_[g] .. first_[g + 1])
  std::vector<Entry> entries_;
  std::string text_;  // the literals, one after the other
};

template <typename F>
void GramLiterals::for_each_match(std::string_view text, F&& f) const {
  if (entries_.empty() || text.size() < kGram) return;
  const char* data = text.data();
  const size_t n = text.size();
  for (size_t i = 0; i + kGram <= n; ++i) {
    const uint32_t bit = filter_bit(load(data + i));
    if (((filter_[bit >> 6] >> (bit & 63)) & 1) == 0) continue;
    const uint32_t g = grams_.find(0, std::string_view(data + i, kGram));
    if (g == KeyTable::kAbsent) continue;
    for (uint32_t k = first_[g]; k < first_[g + 1]; ++k) {
      const Entry& e = entries_[k];
      if (i < e.offset || i - e.offset + e.size > n) continue;
      if (std::memcmp(data + i - e.offset, text_.data() + e.begin, e.size) == 0) f(e.id);
    }
  }
}

}  // namespace vigil::sigma
