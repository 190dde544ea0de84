// Detection-language forms from the Sigma rules specification: condition
// grammar, selections as maps and lists of maps, keywords, fieldref, expand.
#include <gtest/gtest.h>

#include "sigma_test_util.h"

namespace vigil::sigma::testing {
namespace {

const std::string kThree = "  a:\n    A: 1\n  b:\n    B: 1\n  c:\n    C: 1\n";

TEST(SigmaCondition, AndBindsTighterThanOr) {
  OneRule r(kThree + "  condition: a or b and c\n");
  EXPECT_TRUE(r.fires(R"({"A": 1})"));
  EXPECT_FALSE(r.fires(R"({"B": 1})"));
  EXPECT_TRUE(r.fires(R"({"B": 1, "C": 1})"));
}

TEST(SigmaCondition, ParenthesesGroup) {
  OneRule r(kThree + "  condition: (a or b) and c\n");
  EXPECT_FALSE(r.fires(R"({"A": 1})"));
  EXPECT_TRUE(r.fires(R"({"A": 1, "C": 1})"));
}

TEST(SigmaCondition, NotBindsTighterThanAnd) {
  OneRule r(kThree + "  condition: not a and b\n");
  EXPECT_TRUE(r.fires(R"({"B": 1})"));
  EXPECT_FALSE(r.fires(R"({"A": 1, "B": 1})"));
  OneRule nested(kThree + "  condition: not (a or b)\n");
  EXPECT_TRUE(nested.fires(R"({"C": 1})"));
  EXPECT_FALSE(nested.fires(R"({"B": 1})"));
}

TEST(SigmaCondition, OneOfAndAllOfWithPatterns) {
  const std::string d = "  sel1:\n    A: 1\n  sel2:\n    B: 1\n  filter_x:\n    C: 1\n";
  OneRule r(d + "  condition: all of sel* and not 1 of filter_*\n");
  EXPECT_TRUE(r.fires(R"({"A": 1, "B": 1})"));
  EXPECT_FALSE(r.fires(R"({"A": 1, "B": 1, "C": 1})"));
  EXPECT_FALSE(r.fires(R"({"A": 1})"));
}

TEST(SigmaCondition, ListOfConditionsIsOr) {
  OneRule r(kThree + "  condition:\n    - a\n    - b\n");
  EXPECT_TRUE(r.fires(R"({"B": 1})"));
  EXPECT_FALSE(r.fires(R"({"C": 1})"));
}

TEST(SigmaCondition, KeywordsAreCaseInsensitiveOperators) {
  OneRule r(kThree + "  condition: a AND NOT b\n");
  EXPECT_TRUE(r.fires(R"({"A": 1})"));
}

TEST(SigmaCondition, BadConditionsAreRejected) {
  EXPECT_NE(load_error(kThree + "  condition: a and\n").find("condition"), std::string::npos);
  EXPECT_NE(load_error(kThree + "  condition: a and zzz\n").find("'zzz'"), std::string::npos);
  EXPECT_NE(load_error(kThree + "  condition: (a or b\n").find("')'"), std::string::npos);
  EXPECT_NE(load_error(kThree + "  condition: a | count() > 5\n").find("aggregation"),
            std::string::npos);
  EXPECT_NE(load_error(kThree + "  condition: 1 of nothing*\n").find("nothing*"),
            std::string::npos);
}

TEST(SigmaSelection, MapIsAndListOfMapsIsOr) {
  OneRule map("  sel:\n    A: 1\n    B: 2\n  condition: sel\n");
  EXPECT_FALSE(map.fires(R"({"A": 1})"));
  EXPECT_TRUE(map.fires(R"({"A": 1, "B": 2})"));
  OneRule list("  sel:\n    - A: 1\n    - B: 2\n  condition: sel\n");
  EXPECT_TRUE(list.fires(R"({"B": 2})"));
}

TEST(SigmaSelection, StartsWithAndEndsWith) {
  OneRule r("  sel:\n    F|startswith: 'C:\\Users\\'\n    G|endswith: '.ps1'\n  condition: sel\n");
  EXPECT_TRUE(r.fires(R"({"F": "c:\\users\\bob", "G": "X.PS1"})"));
  EXPECT_FALSE(r.fires(R"({"F": "d:\\c:\\users\\", "G": "x.ps1"})"));
}

TEST(SigmaSelection, ArrayFieldMatchesAnyElement) {
  OneRule r("  sel:\n    tags: 'admin'\n  condition: sel\n");
  EXPECT_TRUE(r.fires(R"({"tags": ["user", "ADMIN"]})"));
  EXPECT_FALSE(r.fires(R"({"tags": ["user"]})"));
}

TEST(SigmaSelection, DottedFieldsAddressNestedObjects) {
  OneRule r("  sel:\n    user.name: 'alice'\n  condition: sel\n");
  EXPECT_TRUE(r.fires(R"({"user": {"name": "Alice"}})"));
}

TEST(SigmaSelection, BooleanValues) {
  OneRule r("  sel:\n    Enabled: true\n  condition: sel\n");
  EXPECT_TRUE(r.fires(R"({"Enabled": true})"));
  EXPECT_TRUE(r.fires(R"({"Enabled": "True"})"));
  EXPECT_FALSE(r.fires(R"({"Enabled": false})"));
}

TEST(SigmaSelection, KeywordsWithAllNeedEveryWord) {
  OneRule r("  keywords:\n    '|all':\n      - 'alpha'\n      - 'beta'\n  condition: keywords\n");
  EXPECT_TRUE(r.fires(R"({"a": "ALPHA", "b": "xbetax"})"));
  EXPECT_FALSE(r.fires(R"({"a": "alpha"})"));
}

TEST(SigmaModifiers, FieldRefComparesTwoFields) {
  OneRule r("  sel:\n    TargetUser|fieldref: SubjectUser\n  condition: sel\n");
  EXPECT_TRUE(r.fires(R"({"TargetUser": "Bob", "SubjectUser": "bob"})"));
  EXPECT_FALSE(r.fires(R"({"TargetUser": "bob", "SubjectUser": "eve"})"));
  EXPECT_FALSE(r.fires(R"({"TargetUser": "bob"})"));
  OneRule ends("  sel:\n    Path|fieldref|endswith: Name\n  condition: sel\n");
  EXPECT_TRUE(ends.fires(R"({"Path": "c:\\x\\a.exe", "Name": "A.exe"})"));
}

TEST(SigmaModifiers, ExpandUsesConfiguredPlaceholders) {
  LoadOptions options;
  options.placeholders["admins"] = {"root", "adm_*"};
  OneRule r("  sel:\n    User|expand: '%admins%'\n  condition: sel\n", options);
  EXPECT_TRUE(r.fires(R"({"User": "root"})"));
  EXPECT_TRUE(r.fires(R"({"User": "adm_bob"})"));
  EXPECT_FALSE(r.fires(R"({"User": "bob"})"));
  EXPECT_NE(load_error("  sel:\n    User|expand: '%nobody%'\n  condition: sel\n").find("%nobody%"),
            std::string::npos);
}

TEST(SigmaModifiers, Utf16Encodings) {
  // "a" in UTF-16BE is 00 61 -> base64 "AGE="; with a BOM (FF FE 61 00) "//5hAA==".
  OneRule be("  sel:\n    C|utf16be|base64: 'a'\n  condition: sel\n");
  EXPECT_TRUE(be.fires(R"({"C": "AGE="})"));
  OneRule bom("  sel:\n    C|utf16|base64: 'a'\n  condition: sel\n");
  EXPECT_TRUE(bom.fires(R"({"C": "//5hAA=="})"));
}

// A test's `|re` values become one alternation: any one of them matching
// fires, as with separate values; `|all` keeps them apart (each must match).
TEST(SigmaModifiers, RegexListMatchesWhenAnyValueDoes) {
  OneRule any(
      "  sel:\n    F|re:\n      - '^ab+c$'\n      - 'x[0-9]{2}'\n      - '(?i)zz'\n"
      "  condition: sel\n");
  EXPECT_TRUE(any.fires(R"({"F": "abbbc"})"));
  EXPECT_TRUE(any.fires(R"({"F": "-x42-"})"));
  EXPECT_TRUE(any.fires(R"({"F": "aZz"})"));
  EXPECT_FALSE(any.fires(R"({"F": "abbbcd"})"));
  EXPECT_FALSE(any.fires(R"({"F": "x4"})"));
  // The anchors and the inline flag stay inside their own value.
  EXPECT_FALSE(any.fires(R"({"F": "AbC"})"));
  OneRule all("  sel:\n    F|re|all:\n      - 'a'\n      - 'b'\n  condition: sel\n");
  EXPECT_TRUE(all.fires(R"({"F": "ba"})"));
  EXPECT_FALSE(all.fires(R"({"F": "aa"})"));
}

TEST(SigmaModifiers, BadRegexInAListIsNamed) {
  const auto e = load_error("  sel:\n    F|re:\n      - 'ok'\n      - 'a)(b'\n  condition: sel\n");
  EXPECT_NE(e.find("a)(b"), std::string::npos) << e;
}

TEST(SigmaModifiers, RegexUnsupportedByRe2IsNamed) {
  const auto e = load_error("  sel:\n    F|re: '(?<=a)b'\n  condition: sel\n");
  EXPECT_NE(e.find("RE2"), std::string::npos) << e;
}

}  // namespace
}  // namespace vigil::sigma::testing
