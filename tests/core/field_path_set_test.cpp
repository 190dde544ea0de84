// FieldPathSet must resolve every path to exactly what FieldPath::find
// returns, in one walk: nested before flat dotted keys, the first of
// duplicate keys, objects only (never into arrays).
#include <gtest/gtest.h>

#include <array>
#include <random>
#include <span>

#include "core/field_path.h"

namespace vigil {
namespace {

std::vector<const Value*> resolve_all(const FieldPathSet& set, const Value& doc) {
  std::vector<const Value*> values;
  set.resolve(doc, values);
  return values;
}

TEST(FieldPathSet, NestedBeatsFlatWhicheverComesFirst) {
  Value doc;
  doc.set("user.name", "flat");
  FieldPath("user.name").set(doc, "nested");
  FieldPathSet set;
  const uint32_t id = set.add("user.name");
  EXPECT_EQ(set.add("user.name"), id);
  EXPECT_EQ(resolve_all(set, doc)[id]->as_string(), "nested");
  Value flat_only;
  flat_only.set("user.name", "flat");
  flat_only.set("user", "a scalar in the way");
  EXPECT_EQ(resolve_all(set, flat_only)[id]->as_string(), "flat");
}

TEST(FieldPathSet, FirstOfDuplicateKeysAndNoArrays) {
  Value doc = Object{{"a", Value("scalar")},
                     {"a", Value(Object{{"b", Value("second a")}})},
                     {"list", Value(Array{Value(Object{{"x", Value(1)}})})}};
  FieldPathSet set;
  const uint32_t ab = set.add("a.b"), a = set.add("a"), lx = set.add("list.x");
  const auto values = resolve_all(set, doc);
  EXPECT_EQ(values[a]->as_string(), "scalar");
  EXPECT_EQ(values[ab], nullptr);
  EXPECT_EQ(values[lx], nullptr);
  EXPECT_EQ(values[ab], FieldPath("a.b").find(doc));
}

TEST(FieldPathSet, ResolvesIntoACallersBufferAndClearsWhatItHeld) {
  FieldPathSet set;
  const uint32_t name = set.add("user.name"), ip = set.add("source.ip");
  const Value full = Object{{"user", Object{{"name", "ann"}}}, {"source.ip", "10.1.2.3"}};
  const Value empty = Object{{"other", 1}};
  std::array<const Value*, 3> buffer{};
  const Value sentinel("beyond the set");
  buffer[2] = &sentinel;
  set.resolve(full, std::span<const Value*>(buffer.data(), set.size()));
  EXPECT_EQ(buffer[name]->as_string(), "ann");
  EXPECT_EQ(buffer[ip]->as_string(), "10.1.2.3");
  set.resolve(empty, std::span<const Value*>(buffer.data(), set.size()));
  EXPECT_EQ(buffer[name], nullptr) << "a value of the last document is not left behind";
  EXPECT_EQ(buffer[ip], nullptr);
  EXPECT_EQ(buffer[2], &sentinel) << "nothing written past size()";
}

// Random documents over a few colliding names (dotted and not, nested and
// flat, duplicated, scalars where objects are expected) against FieldPath.
Value random_object(std::mt19937& rng, int depth) {
  static const std::vector<std::string> kKeys = {"a", "b", "a.b", "ab", "b.c", "a.b.c", "", "c"};
  Object members;
  const int n = static_cast<int>(rng() % 6);
  for (int i = 0; i < n; ++i) {
    const std::string& key = kKeys[rng() % kKeys.size()];
    switch (rng() % 5) {
      case 0:
        members.emplace_back(key, Value(static_cast<int64_t>(rng() % 100)));
        break;
      case 1:
        members.emplace_back(key, Value(nullptr));
        break;
      case 2:
        members.emplace_back(key, Value(Array{Value("x")}));
        break;
      default:
        members.emplace_back(key, depth > 0 ? random_object(rng, depth - 1) : Value("leaf"));
    }
  }
  return Value(std::move(members));
}

TEST(FieldPathSet, AgreesWithFieldPathOnRandomDocuments) {
  const std::vector<std::string> paths = {"a",  "b",   "a.b",  "a.b.c",  "b.c",
                                          "ab", "c.a", "a..b", "a.b.c.a"};
  FieldPathSet set;
  for (const auto& p : paths) set.add(p);
  ASSERT_EQ(set.size(), paths.size());
  std::mt19937 rng(7);
  size_t found = 0;
  for (int round = 0; round < 20000; ++round) {
    const Value doc = random_object(rng, 3);
    const auto values = resolve_all(set, doc);
    for (uint32_t id = 0; id < paths.size(); ++id) {
      const Value* expected = FieldPath(paths[id]).find(doc);
      ASSERT_EQ(values[id], expected) << paths[id] << " in round " << round;
      found += expected != nullptr;
    }
  }
  EXPECT_GT(found, 20000u);  // the documents do hold the paths
}

}  // namespace
}  // namespace vigil
