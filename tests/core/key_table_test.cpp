// KeyTable against std::map on many names that share their first and last
// bytes and lengths (the inline hash reads only those), across scopes; keys
// up to 16 bytes are compared as two words in the slot, so every byte of
// those must count, and longer keys that agree in those words must still be
// told apart by their text.
#include "core/key_table.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

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

// Every length the word reads treat differently: none, 1..3 single bytes,
// 4..7 and 8..16 overlapping reads, and past the inline limit. Each starts
// at another letter, so none is a prefix of another.
std::vector<std::string> keys_of_every_length() {
  std::vector<std::string> keys;
  for (const size_t n : {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 24, 64}) {
    std::string key;
    for (size_t i = 0; i < n; ++i) key += static_cast<char>('A' + (n + i) % 26);
    keys.push_back(key);
  }
  return keys;
}

TEST(KeyTable, EveryByteOfAKeyCounts) {
  KeyTable table;
  const std::vector<std::string> keys = keys_of_every_length();
  for (uint32_t i = 0; i < keys.size(); ++i) EXPECT_EQ(table.insert(0, keys[i], i), i);
  for (uint32_t i = 0; i < keys.size(); ++i) {
    const std::string& key = keys[i];
    EXPECT_EQ(table.find(0, key), i) << key.size();
    // The same text one byte shorter or longer is another key (a zero byte
    // must not read as padding).
    if (!key.empty()) {
      EXPECT_EQ(table.find(0, std::string_view(key).substr(0, key.size() - 1)),
                key.size() == 1 ? 0u : KeyTable::kAbsent);
    }
    EXPECT_EQ(table.find(0, key + '\0'), KeyTable::kAbsent) << key.size();
    EXPECT_EQ(table.find(0, std::string(1, '\0') + key), KeyTable::kAbsent) << key.size();
    // One byte changed anywhere (first, last, or the middle of a 17-byte key,
    // the only one neither 8-byte read covers) is another key.
    for (size_t at = 0; at < key.size(); ++at) {
      std::string other = key;
      other[at] = 'a';
      EXPECT_EQ(table.find(0, other), KeyTable::kAbsent) << key.size() << " at " << at;
      other[at] = '\0';
      EXPECT_EQ(table.find(0, other), KeyTable::kAbsent) << key.size() << " at " << at;
    }
  }
}

TEST(KeyTable, LongKeysThatShareTheirFirstAndLastBytesDiffer) {
  KeyTable table;
  const std::string head = "ProcessCreation_";  // 16 bytes
  const std::string tail = "_CommandLineText";  // 16 bytes
  std::vector<std::string> keys;
  for (const std::string& middle :
       std::vector<std::string>{"", "x", "y", "xy", "yx", std::string(32, 'z')}) {
    keys.push_back(head + middle + tail);
    keys.push_back(head + middle);  // agree in their first 16 bytes
  }
  for (uint32_t i = 0; i < keys.size(); ++i) EXPECT_EQ(table.insert(3, keys[i], i), i);
  for (uint32_t i = 0; i < keys.size(); ++i) EXPECT_EQ(table.find(3, keys[i]), i) << keys[i];
  EXPECT_EQ(table.find(3, head + "z" + tail), KeyTable::kAbsent);
  EXPECT_EQ(table.find(3, head + "xx" + tail), KeyTable::kAbsent);
  EXPECT_EQ(table.find(3, head + "z"), KeyTable::kAbsent);
  // 17 bytes: byte 8 is read by neither word.
  EXPECT_EQ(table.insert(3, "abcdefghXijklmnop", 100), 100u);
  EXPECT_EQ(table.find(3, "abcdefghXijklmnop"), 100u);
  EXPECT_EQ(table.find(3, "abcdefghYijklmnop"), KeyTable::kAbsent);
}

TEST(KeyTable, TheSameKeyUnderEachParentIsItsOwnEntry) {
  KeyTable table;
  const std::vector<std::string> keys = keys_of_every_length();
  const uint32_t parents[] = {0, 1, 2, 0xFFFF, 0x10000, 0xFFFFFFFE};
  for (uint32_t p = 0; p < std::size(parents); ++p) {
    for (uint32_t k = 0; k < keys.size(); ++k) {
      EXPECT_EQ(table.insert(parents[p], keys[k], p * 100 + k), p * 100 + k);
    }
  }
  EXPECT_EQ(table.size(), std::size(parents) * keys.size());
  for (uint32_t p = 0; p < std::size(parents); ++p) {
    for (uint32_t k = 0; k < keys.size(); ++k) {
      EXPECT_EQ(table.find(parents[p], keys[k]), p * 100 + k);
      EXPECT_EQ(table.insert(parents[p], keys[k], 7), p * 100 + k);  // kept
    }
  }
  EXPECT_EQ(table.find(3, keys[5]), KeyTable::kAbsent);
  EXPECT_EQ(table.find(0xFFFFFFFF, keys[5]), KeyTable::kAbsent);
}

// Random keys over a two-letter alphabet (one of them a zero byte) of every
// length up to 40: many repeat, many differ in one byte, and the table grows
// while being read.
TEST(KeyTable, AgreesWithAMapOnRandomKeys) {
  KeyTable table;
  std::map<std::pair<uint32_t, std::string>, uint32_t> expected;
  std::mt19937 rng(17);
  const auto random_key = [&] {
    std::string key(rng() % 41, 'a');
    for (char& c : key) c = rng() % 2 ? 'a' : '\0';
    return key;
  };
  for (uint32_t i = 0; i < 20000; ++i) {
    const uint32_t scope = rng() % 4;
    const std::string key = random_key();
    if (rng() % 2) {
      const auto [it, added] = expected.emplace(std::pair{scope, key}, i);
      ASSERT_EQ(table.insert(scope, key, i), it->second) << scope << " " << key.size();
    } else {
      const auto it = expected.find({scope, key});
      ASSERT_EQ(table.find(scope, key), it == expected.end() ? KeyTable::kAbsent : it->second)
          << scope << " " << key.size();
    }
  }
  EXPECT_EQ(table.size(), expected.size());
  for (const auto& [entry, value] : expected)
    EXPECT_EQ(table.find(entry.first, entry.second), value);
}

}  // namespace
}  // namespace vigil
