#include <gtest/gtest.h>

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

TEST(Severity, IsOrderedNotAlphabetical) {
  EXPECT_LT(Severity::kLow, Severity::kHigh);
  EXPECT_EQ(std::max(*parse_severity("low"), *parse_severity("HIGH")), Severity::kHigh);
  EXPECT_EQ(to_string(Severity::kCritical), "critical");
  EXPECT_FALSE(parse_severity("bogus"));
}

}  // namespace
}  // namespace vigil
