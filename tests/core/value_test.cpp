#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <vector>

#include "core/field_path.h"
#include "core/json_writer.h"
#include "core/severity.h"

namespace vigil {
namespace {

TEST(FieldPath, FindsNestedAndFlatDottedKeys) {
  Value doc;
  FieldPath("user.name").set(doc, "alice");
  doc.set("source.ip", "10.0.0.1");
  EXPECT_EQ(FieldPath("user.name").find(doc)->as_string(), "alice");
  EXPECT_EQ(FieldPath("source.ip").find(doc)->as_string(), "10.0.0.1");
  EXPECT_EQ(FieldPath("user.id").find(doc), nullptr);
}

// Value is a hand-written tagged union: each kind copies, moves, compares
// and is destroyed as its own type (ASan sees any leak or double free).
TEST(Value, EveryKindCopiesMovesAndCompares) {
  const std::vector<Value> kinds = {Value(),
                                    Value(true),
                                    Value(int64_t{-7}),
                                    Value(uint64_t{1} << 63),
                                    Value(2.5),
                                    Value(std::string(40, 's')),  // past the small-string buffer
                                    Value(Array{Value("a"), Value(int64_t{1})}),
                                    Value(Object{{"k", Value(Array{Value("nested")})}})};
  for (size_t i = 0; i < kinds.size(); ++i) {
    Value copy = kinds[i];
    EXPECT_EQ(copy, kinds[i]) << i;
    Value moved = std::move(copy);
    EXPECT_EQ(moved, kinds[i]) << i;
    for (size_t j = 0; j < kinds.size(); ++j) {
      Value target = kinds[j];
      target = kinds[i];  // copy-assigned over every other kind
      EXPECT_EQ(target, kinds[i]) << i << " over " << j;
      EXPECT_EQ(kinds[i] == kinds[j], i == j) << i << " vs " << j;
    }
  }
  EXPECT_EQ(Value(true).as_bool(), true);
  EXPECT_EQ(Value(int64_t{-7}).as_int(), -7);
  EXPECT_FALSE(Value(int64_t{1}) == Value(uint64_t{1}));  // kinds differ
}

// `v = std::move(v[0])`: the moved value lives inside the container being
// replaced, which must not be freed before the value is out of it.
TEST(Value, MoveAssignedFromItsOwnChild) {
  Value array(Array{Value(std::string(40, 'x')), Value("other")});
  array = std::move(array.as_array()[0]);
  EXPECT_EQ(array, Value(std::string(40, 'x')));
  Value object(Object{{"inner", Value(Object{{"leaf", Value(std::string(50, 'y'))}})}});
  object = std::move(object.as_object()[0].second);
  ASSERT_TRUE(object.is_object());
  EXPECT_EQ(object.find("leaf")->as_string(), std::string(50, 'y'));
  Value self("same");
  Value& alias = self;
  self = std::move(alias);
  EXPECT_EQ(self, Value("same"));
}

TEST(Value, ReadingTheWrongKindIsABug) {
  EXPECT_THROW((void)Value(int64_t{1}).as_string(), std::logic_error);
  EXPECT_THROW((void)Value("text").as_object(), std::logic_error);
  EXPECT_THROW((void)Value().as_bool(), std::logic_error);
}

TEST(JsonWriter, EscapesControlCharactersAndQuotes) {
  Value doc;
  doc.set("msg", std::string("a\"b\\c\n\x01"));
  doc.set("n", int64_t{-5});
  doc.set("list", Array{Value(true), Value(nullptr), Value(1.5)});
  EXPECT_EQ(to_json(doc), R"({"msg":"a\"b\\c\n\u0001","n":-5,"list":[true,null,1.5]})");
}

// The writer tests eight bytes at a time; every position of an escape inside
// and across those words, and UTF-8 bytes (>= 0x80) that must pass unchanged.
TEST(JsonWriter, EscapesAtEveryOffsetOfLongStrings) {
  for (size_t len = 0; len < 40; ++len) {
    for (size_t pos = 0; pos < len; ++pos) {
      for (char special : {'"', '\\', '\x1f', '\n'}) {
        std::string s(len, 'x');
        s[pos] = special;
        std::string expected = std::string(pos, 'x');
        expected += special == '"'    ? "\\\""
                    : special == '\\' ? "\\\\"
                    : special == '\n' ? "\\n"
                                      : "\\u001f";
        expected += std::string(len - pos - 1, 'x');
        EXPECT_EQ(to_json(Value(s)), "\"" + expected + "\"") << "len " << len << " pos " << pos;
      }
    }
  }
  const std::string utf8 = "caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x94\x92 na\xc3\xafve text";
  EXPECT_EQ(to_json(Value(utf8)), "\"" + utf8 + "\"");
}

// A string's last bytes are loaded sixteen at a time, past its end when that stays
// inside the page. Strings that end right before a page nobody may read: every length
// of tail, with and without an escape in it, written without a fault and exactly.
TEST(JsonWriter, StringsEndingAtAnUnreadablePage) {
  const auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  void* map = mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(map, MAP_FAILED);
  ASSERT_EQ(mprotect(static_cast<char*>(map) + page, page, PROT_NONE), 0);
  char* const end = static_cast<char*>(map) + page;
  for (size_t len = 0; len < 40; ++len) {
    for (const bool escape : {false, true}) {
      char* const begin = end - len;
      std::memset(begin, 'y', len);
      if (escape && len > 0) begin[len - 1] = '"';
      const std::string expected =
          std::string(escape && len > 0 ? len - 1 : len, 'y') + (escape && len > 0 ? "\\\"" : "");
      fmt::memory_buffer out;
      append_json_string(out, std::string_view(begin, len));
      EXPECT_EQ(fmt::to_string(out), "\"" + expected + "\"") << "len " << len;
    }
  }
  munmap(map, 2 * page);
}

TEST(Severity, IsOrderedNotAlphabetical) {
  EXPECT_LT(Severity::kLow, Severity::kHigh);
  EXPECT_EQ(std::max(*parse_severity("low"), *parse_severity("HIGH")), Severity::kHigh);
  EXPECT_EQ(to_string(Severity::kCritical), "critical");
  EXPECT_FALSE(parse_severity("bogus"));
}

TEST(Severity, EveryNameInAnyCaseAndNothingNearIt) {
  const std::pair<std::string_view, Severity> names[] = {{"Informational", Severity::kInfo},
                                                         {"DEBUG", Severity::kInfo},
                                                         {"notice", Severity::kInfo},
                                                         {"Info", Severity::kInfo},
                                                         {"LOW", Severity::kLow},
                                                         {"Medium", Severity::kMedium},
                                                         {"moderate", Severity::kMedium},
                                                         {"Warning", Severity::kMedium},
                                                         {"WARN", Severity::kMedium},
                                                         {"high", Severity::kHigh},
                                                         {"Error", Severity::kHigh},
                                                         {"CRITICAL", Severity::kCritical},
                                                         {"crit", Severity::kCritical},
                                                         {"Alert", Severity::kCritical},
                                                         {"emergency", Severity::kCritical}};
  for (const auto& [text, severity] : names) {
    ASSERT_TRUE(parse_severity(text).has_value()) << text;
    EXPECT_EQ(*parse_severity(text), severity) << text;
  }
  for (const std::string_view text : {"", "inf", "infos", "lo", "critical ", "wärn", "higher"}) {
    EXPECT_FALSE(parse_severity(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace vigil
