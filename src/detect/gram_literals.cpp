#include "detect/gram_literals.h"

#include <algorithm>
#include <unordered_map>

namespace vigil::sigma {

void GramLiterals::add(std::string_view literal, uint32_t id) {
  if (literal.size() >= kGram) pending_.emplace_back(std::string(literal), id);
}

// Each literal is indexed by its gram that the fewest literals of the set
// contain: the comparisons a passing position costs stay few even where
// many literals share a start (`c:\windows\`, `powershell`).
void GramLiterals::freeze() {
  if (pending_.empty()) return;                           // most fields: no filter to hold
  std::unordered_map<std::string_view, uint32_t> shared;  // gram -> literals containing it
  for (const auto& [literal, id] : pending_) {
    std::vector<std::string_view> grams;
    for (size_t o = 0; o + kGram <= literal.size(); ++o)
      grams.emplace_back(literal.data() + o, kGram);
    std::sort(grams.begin(), grams.end());
    grams.erase(std::unique(grams.begin(), grams.end()), grams.end());
    for (auto g : grams) ++shared[g];
  }
  struct Chosen {
    std::string_view gram;
    Entry entry;
  };
  std::vector<Chosen> chosen;
  for (const auto& [literal, id] : pending_) {
    size_t best = 0;
    for (size_t o = 1; o + kGram <= literal.size(); ++o) {
      if (shared[std::string_view(literal.data() + o, kGram)] <
          shared[std::string_view(literal.data() + best, kGram)])
        best = o;
    }
    const Entry e{static_cast<uint32_t>(best), static_cast<uint32_t>(text_.size()),
                  static_cast<uint32_t>(literal.size()), id};
    text_ += literal;
    chosen.push_back({std::string_view(literal.data() + best, kGram), e});
  }
  std::stable_sort(chosen.begin(), chosen.end(),
                   [](const Chosen& a, const Chosen& b) { return a.gram < b.gram; });
  filter_.assign((size_t{1} << kFilterBits) / 64, 0);
  for (size_t k = 0; k < chosen.size(); ++k) {
    if (k == 0 || chosen[k].gram != chosen[k - 1].gram) {
      grams_.insert(0, chosen[k].gram, static_cast<uint32_t>(first_.size()));
      first_.push_back(static_cast<uint32_t>(k));
      const uint32_t bit = filter_bit(load(chosen[k].gram.data()));
      filter_[bit >> 6] |= uint64_t{1} << (bit & 63);
    }
    entries_.push_back(chosen[k].entry);
  }
  first_.push_back(static_cast<uint32_t>(entries_.size()));
  pending_.clear();
  pending_.shrink_to_fit();
}

}  // namespace vigil::sigma
