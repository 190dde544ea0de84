// RFC 4180 parsing and its error messages.
#include "enrich/csv_reader.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

using Rows = std::vector<std::vector<std::string>>;

Result<Rows> parse(std::string_view text, std::vector<size_t>* lines = nullptr) {
  CsvReader reader(text, "t.csv");
  Rows rows;
  CsvRecord rec;
  for (;;) {
    auto more = reader.next(rec);
    if (!more) return tl::unexpected(more.error());
    if (!*more) return rows;
    rows.push_back(rec.fields);
    if (lines != nullptr) lines->push_back(rec.line);
  }
}

TEST(EnrichCsv, Rfc4180Fields) {
  std::vector<size_t> lines;
  auto rows = parse("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n,\"\",z\n", &lines);
  ASSERT_TRUE(rows) << rows.error().message;
  EXPECT_EQ(*rows, (Rows{{"a", "b", "c"}, {"x, y", "say \"hi\"", "two\nlines"}, {"", "", "z"}}));
  EXPECT_EQ(lines, (std::vector<size_t>{1, 2, 4}));
}

TEST(EnrichCsv, LineEndingsBlankLinesAndBom) {
  for (std::string_view text : {"a,b\r\n1,2\r\n", "a,b\n1,2", "a,b\r1,2\r",
                                "\xEF\xBB\xBF"
                                "a,b\n\n1,2\n\n"}) {
    auto rows = parse(text);
    ASSERT_TRUE(rows) << rows.error().message;
    EXPECT_EQ(*rows, (Rows{{"a", "b"}, {"1", "2"}})) << text;
  }
  // CRLF inside quotes is data.
  auto rows = parse("a\r\n\"x\r\ny\"\r\n");
  ASSERT_TRUE(rows);
  EXPECT_EQ(*rows, (Rows{{"a"}, {"x\r\ny"}}));
  // A quoted empty field is a record, not a blank line.
  rows = parse("a\n\"\"\n");
  ASSERT_TRUE(rows);
  EXPECT_EQ(*rows, (Rows{{"a"}, {""}}));
}

TEST(EnrichCsv, ErrorsNameFileAndLine) {
  const std::pair<std::string_view, std::string_view> bad[] = {
      {"a,b\n\"x\ny,z\n", "t.csv:2: quoted field is never closed"},
      {"a,b\n1,2\nx\"y,z\n", "t.csv:3: quote inside an unquoted field"},
      {"a,b\n\"multi\nline\"x,z\n", "t.csv:3: unexpected text after a closing quote"},
  };
  for (const auto& [text, want] : bad) {
    auto rows = parse(text);
    ASSERT_FALSE(rows) << text;
    EXPECT_EQ(rows.error().code, ErrorCode::kInvalidInput);
    EXPECT_TRUE(rows.error().message.starts_with(want)) << rows.error().message;
  }
}

}  // namespace
}  // namespace vigil
