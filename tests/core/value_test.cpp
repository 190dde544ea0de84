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

TEST(Severity, IsOrderedNotAlphabetical) {
  EXPECT_LT(Severity::kLow, Severity::kHigh);
  EXPECT_EQ(std::max(*parse_severity("low"), *parse_severity("HIGH")), Severity::kHigh);
  EXPECT_EQ(to_string(Severity::kCritical), "critical");
  EXPECT_FALSE(parse_severity("bogus"));
}

}  // namespace
}  // namespace vigil
