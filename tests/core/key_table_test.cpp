// KeyTable against std::map on many names that share their first and last
// bytes and lengths (the inline hash reads only those), across scopes.
#include "core/key_table.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace vigil {
namespace {

TEST(KeyTable, AgreesWithAMapOnCollidingNames) {
  KeyTable table;
  std::map<std::pair<uint32_t, std::string>, uint32_t> expected;
  std::mt19937 rng(11);
  const auto random_name = [&] {
    // Same 8-byte head and tail, a varying middle: every such name of one
    // length hashes alike within a scope.
    std::string name = "EventDat";
    for (int i = 0, n = static_cast<int>(rng() % 4); i < n; ++i) {
      name += static_cast<char>('a' + rng() % 3);
    }
    return name + (rng() % 2 ? "Provider" : "");
  };
  for (uint32_t i = 0; i < 3000; ++i) {
    const uint32_t scope = rng() % 3;
    const std::string name = random_name();
    const auto [it, added] = expected.emplace(std::pair{scope, name}, i);
    EXPECT_EQ(table.insert(scope, name, i), it->second);
  }
  EXPECT_EQ(table.size(), expected.size());
  for (uint32_t scope = 0; scope < 4; ++scope) {
    for (int i = 0; i < 2000; ++i) {
      const std::string name = random_name();
      const auto it = expected.find({scope, name});
      EXPECT_EQ(table.find(scope, name), it == expected.end() ? KeyTable::kAbsent : it->second)
          << scope << " " << name;
    }
  }
  EXPECT_EQ(table.find(0, ""), KeyTable::kAbsent);
  EXPECT_EQ(table.insert(0, "", 7), 7u);
  EXPECT_EQ(table.find(0, ""), 7u);
  EXPECT_EQ(table.find(0, "x"), KeyTable::kAbsent);
}

}  // namespace
}  // namespace vigil
