// Helpers for the tests of literal lookups (PinnedLiterals, GramLiterals):
// what a set reports for a text against the naive answer.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::sigma::testing {

// The ids `set` reports for `text`, each once, in increasing order.
template <typename Set>
std::vector<uint32_t> found(const Set& set, std::string_view text) {
  std::vector<uint32_t> ids;
  set.for_each_match(text, [&](uint32_t id) { ids.push_back(id); });
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

// The ids of the literals `text` contains, by string_view::find.
inline std::vector<uint32_t> naive(const std::map<std::string, uint32_t>& literals,
                                   std::string_view text) {
  std::vector<uint32_t> ids;
  for (const auto& [literal, id] : literals) {
    if (text.find(literal) != std::string_view::npos) ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

// Rounds of a dozen random literals (of min_literal..max_literal
// characters of `alphabet`, those `holds` accepts) and forty random texts
// (1..max_text characters): over a small alphabet literals overlap, repeat
// and share their keys. `ready` is called on each set after its adds.
template <typename Set, typename Holds, typename Ready>
void expect_naive_answers(uint32_t seed, std::string_view alphabet, size_t min_literal,
                          size_t max_literal, size_t max_text, Holds holds, Ready ready) {
  std::mt19937 rng(seed);
  const auto random_text = [&](size_t min_length, size_t max_length) {
    std::string s(min_length + rng() % (max_length - min_length + 1), 'a');
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    return s;
  };
  for (int round = 0; round < 50; ++round) {
    Set set;
    std::map<std::string, uint32_t> literals;
    while (literals.size() < 12) {
      std::string literal = random_text(min_literal, max_literal);
      if (!holds(literal) || literals.contains(literal)) continue;
      const auto id = static_cast<uint32_t>(literals.size());
      literals.emplace(literal, id);
      set.add(literal, id);
    }
    ready(set);
    for (int t = 0; t < 40; ++t) {
      const std::string text = random_text(1, max_text);
      EXPECT_EQ(found(set, text), naive(literals, text)) << text;
    }
  }
}

}  // namespace vigil::sigma::testing
