#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

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

}  // namespace
}  // namespace vigil
