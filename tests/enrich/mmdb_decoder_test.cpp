// The data-section decoder on hand-built sections: what the bad-data files
// exercise, plus the cases they do not (pointer fan-out, self-reference).
#include "enrich/mmdb_decoder.h"

#include <gtest/gtest.h>

#include <chrono>

namespace vigil::mmdb {
namespace {

std::string ptr(uint32_t target) {  // 2-byte pointer form (targets < 2048)
  return {static_cast<char>(0x20 | (target >> 8)), static_cast<char>(target & 0xff)};
}
std::string str(std::string_view s) {
  return static_cast<char>(0x40 | s.size()) + std::string(s);
}
std::string map(int entries) {
  return std::string(1, static_cast<char>(0xe0 | entries));
}

TEST(EnrichMmdbDecoder, DecodesNestedValues) {
  // {"a": "x", "b": ["y", 7]}; an array is extended type 4 (11 - 7).
  const std::string section =
      map(2) + str("a") + str("x") + str("b") + "\x02\x04" + str("y") + "\xc1\x07";
  auto v = Decoder(section).decode(0);
  ASSERT_TRUE(v) << v.error();
  ASSERT_TRUE(v->is_object());
  EXPECT_EQ(v->find("a")->as_string(), "x");
  ASSERT_TRUE(v->find("b")->is_array());
  EXPECT_EQ(v->find("b")->as_array().at(1).as_uint(), 7u);
}

TEST(EnrichMmdbDecoder, SharedPointersAreVerifiedOnceNotExponentially) {
  // 40 levels, each a map whose two values point at the next level: 2^40
  // paths, 40 distinct values.
  std::string section;
  std::vector<uint32_t> level_offset;
  const int kLevels = 40;
  std::vector<std::string> levels(kLevels + 1);
  // Lay out from the deepest level (a string) upward; each map is 9 bytes.
  section = str("leaf");
  uint32_t next = 0;
  for (int i = 0; i < kLevels; ++i) {
    const auto here = static_cast<uint32_t>(section.size());
    section += map(2) + str("l") + ptr(next) + str("r") + ptr(next);
    next = here;
  }
  const auto start = std::chrono::steady_clock::now();
  Decoder d(section);
  ASSERT_TRUE(d.verify(next));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

TEST(EnrichMmdbDecoder, PointerCycleIsRefused) {
  const std::string section = map(1) + str("self") + ptr(0);
  auto r = Decoder(section).verify(0);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("cycle"), std::string::npos) << r.error();
  EXPECT_FALSE(Decoder(section).decode(0));  // depth-bounded, not endless
}

TEST(EnrichMmdbDecoder, PointerToPointerIsRefused) {
  const std::string section = ptr(2) + ptr(4) + str("x");
  auto r = Decoder(section).verify(0);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("another pointer"), std::string::npos) << r.error();
}

TEST(EnrichMmdbDecoder, SizesAndTypesAreChecked) {
  const std::pair<std::string, const char*> bad[] = {
      {str("abc").substr(0, 3), "past the end"},
      {std::string("\x43\xff\xfe\xfd", 4), "UTF-8"},
      {std::string("\x64", 1) + "12345678", "must be 8"},  // double of 4 bytes
      {std::string("\xc5", 1) + "12345", "at most 4"},     // uint32 of 5 bytes
      {map(1) + "\xc1\x01" + str("v"), "not a string"},    // integer map key
      {std::string("\x00\x05", 2), "data cache container"},
      {std::string("\x00\x00", 2), "invalid extended type"},
      {std::string("\x5f\x01", 2), "size bytes"},
      {map(3) + str("k") + str("v"), "past the end"},  // more entries than bytes
  };
  for (const auto& [section, why] : bad) {
    auto r = Decoder(section).verify(0);
    ASSERT_FALSE(r) << why;
    EXPECT_NE(r.error().find(why), std::string::npos) << r.error();
  }
}

TEST(EnrichMmdbDecoder, DepthLimit) {
  auto nested = [](int depth) {
    std::string s;
    for (int i = 0; i < depth; ++i) s += std::string("\x01\x04", 2);  // array of one
    return s + str("x");
  };
  EXPECT_TRUE(Decoder(nested(Decoder::kMaxDepth)).verify(0));
  auto r = Decoder(nested(Decoder::kMaxDepth + 1)).verify(0);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("deeper"), std::string::npos);
}

}  // namespace
}  // namespace vigil::mmdb
