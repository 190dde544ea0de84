// The "semantics to get exactly right" of issue 4, each from the Sigma
// specification (sigma-specification: appendix_modifier.md, sigma-rules-
// specification.md) and pySigma's behaviour.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "detect/matchers.h"
#include "detect/string_pattern.h"
#include "detect/text_fold.h"
#include "sigma_test_util.h"

namespace vigil::sigma::testing {
namespace {

// 1. Plain values match the whole field, case-insensitively, Unicode too.
TEST(SigmaSemantics, PlainValueIsWholeFieldCaseInsensitive) {
  OneRule r("  sel:\n    Image: 'C:\\Windows\\System32\\cmd.exe'\n  condition: sel\n");
  EXPECT_TRUE(r.fires(R"({"Image": "c:\\windows\\system32\\CMD.EXE"})"));
  OneRule bare("  sel:\n    Image: 'cmd.exe'\n  condition: sel\n");
  EXPECT_FALSE(bare.fires(R"({"Image": "C:\\Windows\\cmd.exe"})"));
  EXPECT_TRUE(bare.fires(R"({"Image": "CMD.exe"})"));
}

TEST(SigmaSemantics, CaseFoldingCoversNonAscii) {
  OneRule r("  sel:\n    User: 'ÉLODIE'\n  condition: sel\n");
  EXPECT_TRUE(r.fires(R"({"User": "élodie"})"));
  OneRule cyr("  sel:\n    Path|contains: 'ПРИВЕТ'\n  condition: sel\n");
  EXPECT_TRUE(cyr.fires(R"({"Path": "c:\\привет\\x"})"));
}

// Folding works on blocks of 16 ASCII bytes (an all-ASCII tail as the 16
// bytes that end the text), then byte by byte from the first non-ASCII
// one: every length and every position of a non-ASCII letter must fold as
// one byte at a time would.
TEST(SigmaSemantics, FoldingBlocksAndTailsAgree) {
  const std::string ascii = "AbCdEfGhIjKlMnOpQrStUvWxYz@[`{09-_ \\Z";
  for (size_t n = 0; n <= ascii.size(); ++n) {
    std::string expected;
    for (char c : ascii.substr(0, n)) expected.push_back(c >= 'A' && c <= 'Z' ? char(c + 32) : c);
    EXPECT_EQ(fold_case(ascii.substr(0, n)), expected) << n;
    for (size_t at = 0; at <= n; ++at) {
      const std::string mixed = ascii.substr(0, at) + "\u00c9" + ascii.substr(at, n - at);
      const std::string want = expected.substr(0, at) + "\u00e9" + expected.substr(at);
      EXPECT_EQ(fold_case(mixed), want) << n << " " << at;
    }
  }
  // A lower case longer than its upper case (U+023A -> U+2C65, 2 -> 3
  // bytes), an invalid byte kept as it is.
  EXPECT_EQ(fold_case("\u023a\u023aABCDEFGHIJKLMNOPQRS\u023a\xff!"),
            "\u2c65\u2c65abcdefghijklmnopqrs\u2c65\xff!");
}

// The in-place fold of non-ASCII characters (for caseless scans), against
// fold_case: after lower-casing ASCII it gives the same text up to where it
// stops, which is at a character whose lower case has another length (then
// the rest must be as it was), at every length and offset around its
// 64- and 16-byte steps, invalid bytes included.
TEST(SigmaSemantics, InPlaceNonAsciiFoldAgreesWithFoldCase) {
  const std::vector<std::string> pieces = {"a",    "Q",      "\u00c9", "\u00e9", "\u041f", "\xff",
                                           "\xc3", "\u212a", "\u023a", "\u0130", "\u00ae", "\n"};
  uint64_t state = 7;
  const auto next = [&] {
    state = state * 6364136223846793005u + 1442695040888963407u;
    return static_cast<size_t>(state >> 33);
  };
  const auto ascii_lower = [](std::string s) {
    for (char& c : s) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
    return s;
  };
  for (int round = 0; round < 3000; ++round) {
    std::string text(next() % 150, 'B');
    const size_t inserts = next() % 4;
    for (size_t k = 0; k < inserts; ++k)
      text.insert(next() % (text.size() + 1), pieces[next() % pieces.size()]);
    std::string folded = text;
    const size_t stop = fold_non_ascii_in_place(folded.data(), folded.size());
    ASSERT_LE(stop, text.size());
    EXPECT_EQ(folded.substr(stop), text.substr(stop)) << round;
    EXPECT_EQ(ascii_lower(folded.substr(0, stop)) + fold_case(text.substr(stop)), fold_case(text))
        << round;
    if (stop < text.size()) {
      EXPECT_NE(fold_case(folded.substr(stop, utf8_length(folded[stop]))).size(),
                utf8_length(folded[stop]))
          << round;
    }
  }
  std::string plain(100, 'X');
  EXPECT_EQ(fold_non_ascii_in_place(plain.data(), plain.size()), 100u);
  EXPECT_EQ(plain, std::string(100, 'X'));  // ASCII left as it is
  std::string kelvin = "Ab\u00c9\u212a\u00c9";
  EXPECT_EQ(fold_non_ascii_in_place(kelvin.data(), kelvin.size()), 4u);
  EXPECT_EQ(kelvin, "Ab\u00e9\u212a\u00c9");
}

// The ASCII test reads 64 and 16 bytes a step, then single bytes: a high
// byte is found at every offset of texts of every length around the steps.
TEST(SigmaSemantics, AsciiTestFindsAHighByteAnywhere) {
  EXPECT_TRUE(is_ascii(""));
  for (size_t n = 1; n <= 140; ++n) {
    std::string text(n, 'a');
    text[n / 2] = '\x7f';
    EXPECT_TRUE(is_ascii(text)) << n;
    for (size_t at = 0; at < n; ++at) {
      std::string high = text;
      high[at] = '\x80';
      EXPECT_FALSE(is_ascii(high)) << n << " " << at;
    }
  }
  EXPECT_FALSE(is_ascii("plain text then \u00e9"));
}

// 2. Wildcards and their escaping.
TEST(SigmaSemantics, EscapedStarIsLiteral) {
  OneRule r("  sel:\n    F|contains: ' -Filter \\*'\n  condition: sel\n");
  EXPECT_TRUE(r.fires(R"({"F": "Get-ADUser -Filter *"})"));
  EXPECT_FALSE(r.fires(R"({"F": "Get-ADUser -Filter Name"})"));
}

TEST(SigmaSemantics, QuestionMarkIsExactlyOneCharacter) {
  OneRule r("  sel:\n    F: 'prog?.exe'\n  condition: sel\n");
  EXPECT_TRUE(r.fires(R"({"F": "progA.exe"})"));
  EXPECT_FALSE(r.fires(R"({"F": "prog.exe"})"));
  EXPECT_FALSE(r.fires(R"({"F": "progAB.exe"})"));
}

TEST(SigmaSemantics, DoubleBackslashThenStarIsBackslashAndWildcard) {
  OneRule r("  sel:\n    F: 'C:\\\\*'\n  condition: sel\n");  // YAML text: C:\\*
  EXPECT_TRUE(r.fires(R"({"F": "C:\\Windows"})"));
  EXPECT_FALSE(r.fires(R"({"F": "C:Windows"})"));
}

TEST(SigmaSemantics, OtherSpecialCharactersAreLiteral) {
  OneRule r("  sel:\n    F: 'a[bc]{2}.exe'\n  condition: sel\n");
  EXPECT_TRUE(r.fires(R"({"F": "A[BC]{2}.EXE"})"));
  EXPECT_FALSE(r.fires(R"({"F": "ab.exe"})"));
}

TEST(SigmaSemantics, LoneBackslashBeforeOrdinaryCharacterIsKept) {
  OneRule r("  sel:\n    F|endswith: '\\cmd.exe'\n  condition: sel\n");
  EXPECT_TRUE(r.fires(R"({"F": "C:\\Windows\\cmd.exe"})"));
  EXPECT_FALSE(r.fires(R"({"F": "C:\\Windows\\xcmd.exe"})"));
}

// 3. contains|all is order-free; a list is OR; cased is case-sensitive.
TEST(SigmaSemantics, ContainsAllIsOrderFree) {
  OneRule r("  sel:\n    C|contains|all: ['-enc', 'hidden']\n  condition: sel\n");
  EXPECT_TRUE(r.fires(R"({"C": "powershell -w HIDDEN -ENC abc"})"));
  EXPECT_TRUE(r.fires(R"({"C": "x -enc y hidden"})"));
  EXPECT_FALSE(r.fires(R"({"C": "powershell -enc abc"})"));
}

TEST(SigmaSemantics, ListIsOr) {
  OneRule r("  sel:\n    C|endswith: ['\\a.exe', '\\b.exe']\n  condition: sel\n");
  EXPECT_TRUE(r.fires(R"({"C": "x\\b.exe"})"));
  EXPECT_FALSE(r.fires(R"({"C": "x\\c.exe"})"));
}

TEST(SigmaSemantics, CasedIsCaseSensitive) {
  OneRule r("  sel:\n    C|contains|cased: 'Invoke'\n  condition: sel\n");
  EXPECT_TRUE(r.fires(R"({"C": "x Invoke-Y"})"));
  EXPECT_FALSE(r.fires(R"({"C": "x invoke-y"})"));
}

// 4. re is a case-sensitive unanchored search; i ignores case.
TEST(SigmaSemantics, RegexIsCaseSensitiveSubstringSearch) {
  OneRule r("  sel:\n    F|re: 'ab+'\n  condition: sel\n");
  EXPECT_FALSE(r.fires(R"({"F": "xxABBxx"})"));
  EXPECT_TRUE(r.fires(R"({"F": "xxabbxx"})"));
  OneRule i("  sel:\n    F|re|i: 'ab+'\n  condition: sel\n");
  EXPECT_TRUE(i.fires(R"({"F": "xxABBxx"})"));
}

TEST(SigmaSemantics, RegexFlagsMultilineAndDotall) {
  OneRule m("  sel:\n    F|re|m: '^second$'\n  condition: sel\n");
  EXPECT_TRUE(m.fires(R"({"F": "first\nsecond\nthird"})"));
  OneRule plain("  sel:\n    F|re: '^second$'\n  condition: sel\n");
  EXPECT_FALSE(plain.fires(R"({"F": "first\nsecond\nthird"})"));
  OneRule s("  sel:\n    F|re|s: 'a.b'\n  condition: sel\n");
  EXPECT_TRUE(s.fires(R"({"F": "a\nb"})"));
  OneRule no_s("  sel:\n    F|re: 'a.b'\n  condition: sel\n");
  EXPECT_FALSE(no_s.fires(R"({"F": "a\nb"})"));
}

TEST(SigmaSemantics, InvalidModifierCombinationsAreRejectedWithReason) {
  EXPECT_NE(load_error("  sel:\n    F|re|contains: 'a'\n  condition: sel\n").find("re"),
            std::string::npos);
  EXPECT_NE(load_error("  sel:\n    F|base64: 'a*b'\n  condition: sel\n").find("wildcards"),
            std::string::npos);
  EXPECT_NE(load_error("  sel:\n    F|frobnicate: 'a'\n  condition: sel\n").find("'frobnicate'"),
            std::string::npos);
}

// 5. windash, base64offset, cidr, numeric comparisons.
TEST(SigmaSemantics, WindashCoversAllDashForms) {
  OneRule r("  sel:\n    C|windash|contains: ' -exec '\n  condition: sel\n");
  for (const char* dash : {"-", "/", "\u2013", "\u2014", "\u2015"}) {
    EXPECT_TRUE(r.fires(std::string(R"({"C": "x )") + dash + R"(exec y"})")) << dash;
  }
  EXPECT_FALSE(r.fires(R"({"C": "x +exec y"})"));
}

TEST(SigmaSemantics, WindashOnlyReplacesDashesStartingAWord) {
  // pySigma: `\B[-/]\b` -- "ab-cd" keeps its inner dash.
  OneRule r("  sel:\n    C|windash: 'ab-cd'\n  condition: sel\n");
  EXPECT_TRUE(r.fires(R"({"C": "ab-cd"})"));
  EXPECT_FALSE(r.fires(R"({"C": "ab/cd"})"));
}

TEST(SigmaSemantics, Base64OffsetFindsAllThreeAlignments) {
  OneRule r("  sel:\n    C|base64offset|contains: 'http://'\n  condition: sel\n");
  // base64 of "http://x", " http://x", "  http://x" (the value at offsets 0, 1, 2).
  EXPECT_TRUE(r.fires(R"({"C": "aHR0cDovL3g="})"));
  EXPECT_TRUE(r.fires(R"({"C": "IGh0dHA6Ly94"})"));
  EXPECT_TRUE(r.fires(R"({"C": "ICBodHRwOi8veA=="})"));
  EXPECT_FALSE(r.fires(R"({"C": "aGVsbG8="})"));
}

TEST(SigmaSemantics, Base64AndUtf16) {
  OneRule r("  sel:\n    C|base64: 'abc'\n  condition: sel\n");
  EXPECT_TRUE(r.fires(R"({"C": "YWJj"})"));
  // "ab" as UTF-16LE is 61 00 62 00 -> base64 "YQBiAA=="; offset forms inside longer text.
  OneRule w("  sel:\n    C|wide|base64offset|contains: 'ab'\n  condition: sel\n");
  EXPECT_TRUE(w.fires(R"({"C": "powershell -enc YQBiAA=="})"));
}

TEST(SigmaSemantics, CidrMatchesV4AndV6) {
  OneRule r("  sel:\n    Ip|cidr: ['10.0.0.0/8', 'fe80::/10']\n  condition: sel\n");
  EXPECT_TRUE(r.fires(R"({"Ip": "10.1.2.3"})"));
  EXPECT_TRUE(r.fires(R"({"Ip": "fe80::1"})"));
  EXPECT_FALSE(r.fires(R"({"Ip": "11.0.0.1"})"));
  EXPECT_FALSE(r.fires(R"({"Ip": "not-an-ip"})"));
  // As Python's ipaddress (pySigma) reads them: no leading zeros, and an
  // IPv4-mapped IPv6 address is IPv6, outside every IPv4 network.
  EXPECT_FALSE(r.fires(R"({"Ip": "010.1.2.3"})"));
  EXPECT_FALSE(r.fires(R"({"Ip": "::ffff:10.1.2.3"})"));
  EXPECT_TRUE(r.fires(R"({"Ip": "FE80:0:0:0:0:0:0:1"})"));
  EXPECT_FALSE(r.fires(R"({"Ip": "10.1.2.3\u0000"})"));  // a NUL is no end of text
}

TEST(SigmaSemantics, ComparisonsReadNumericStrings) {
  OneRule r("  sel:\n    Size|gt: 100\n  condition: sel\n");
  EXPECT_TRUE(r.fires(R"({"Size": 101})"));
  EXPECT_TRUE(r.fires(R"({"Size": "250"})"));
  EXPECT_FALSE(r.fires(R"({"Size": "100"})"));
  EXPECT_FALSE(r.fires(R"({"Size": "big"})"));
  OneRule lte("  sel:\n    Size|lte: 100\n  condition: sel\n");
  EXPECT_TRUE(lte.fires(R"({"Size": "100"})"));
}

// 6. null, exists, missing fields.
TEST(SigmaSemantics, NullAndExistsFalseMatchMissingField) {
  OneRule null_rule("  sel:\n    F: null\n  condition: sel\n");
  EXPECT_TRUE(null_rule.fires(R"({"G": 1})"));
  EXPECT_TRUE(null_rule.fires(R"({"F": null})"));
  EXPECT_FALSE(null_rule.fires(R"({"F": ""})"));
  OneRule absent("  sel:\n    F|exists: false\n  condition: sel\n");
  EXPECT_TRUE(absent.fires(R"({"G": 1})"));
  EXPECT_FALSE(absent.fires(R"({"F": "x"})"));
  OneRule present("  sel:\n    F|exists: true\n  condition: sel\n");
  EXPECT_TRUE(present.fires(R"({"F": ""})"));
}

TEST(SigmaSemantics, EmptyStringDoesNotMatchMissingField) {
  OneRule r("  sel:\n    F: ''\n  condition: sel\n");
  EXPECT_FALSE(r.fires(R"({"G": 1})"));
  EXPECT_TRUE(r.fires(R"({"F": ""})"));
}

TEST(SigmaSemantics, MissingFilterFieldLetsSelectionFire) {
  OneRule r("  sel:\n    A: x\n  filter:\n    B: y\n  condition: sel and not filter\n");
  EXPECT_TRUE(r.fires(R"({"A": "x"})"));
  EXPECT_FALSE(r.fires(R"({"A": "x", "B": "Y"})"));
}

// 7. Numbers and numeric-looking strings.
TEST(SigmaSemantics, NumberMatchesNumberAndNumericString) {
  OneRule r("  sel:\n    EventID: 4688\n  condition: sel\n");
  EXPECT_TRUE(r.fires(R"({"EventID": 4688})"));
  EXPECT_TRUE(r.fires(R"({"EventID": "4688"})"));
  EXPECT_FALSE(r.fires(R"({"EventID": 4689})"));
}

TEST(SigmaSemantics, QuotedHexStaysAString) {
  OneRule r("  sel:\n    LogonId: '0x3e7'\n  condition: sel\n");
  EXPECT_TRUE(r.fires(R"({"LogonId": "0x3e7"})"));
  EXPECT_TRUE(r.fires(R"({"LogonId": "0x3E7"})"));
  EXPECT_FALSE(r.fires(R"({"LogonId": 999})"));
}

// 8. Keywords search every string of the event.
TEST(SigmaSemantics, KeywordsSearchEveryString) {
  OneRule r("  keywords:\n    - 'mimikatz'\n    - 'sekurlsa'\n  condition: keywords\n");
  EXPECT_TRUE(r.fires(R"({"a": {"b": ["x", "run MIMIKATZ.exe"]}})"));
  EXPECT_TRUE(r.fires(R"({"msg": "sekurlsa::logonpasswords"})"));
  EXPECT_FALSE(r.fires(R"({"msg": "benign"})"));
}

// 9. `1 of x*` / `1 of them` skip identifiers starting with `_`.
TEST(SigmaSemantics, QuantifiersSkipUnderscoreIdentifiers) {
  const std::string d = "  sel_a:\n    A: x\n  sel_b:\n    B: y\n  _sel_hidden:\n    H: z\n";
  OneRule one_of(d + "  condition: 1 of sel*\n");
  EXPECT_TRUE(one_of.fires(R"({"B": "y"})"));
  OneRule them(d + "  condition: 1 of them\n");
  EXPECT_FALSE(them.fires(R"({"H": "z"})"));
  EXPECT_TRUE(them.fires(R"({"A": "x"})"));
  OneRule all(d + "  condition: all of them\n");
  EXPECT_TRUE(all.fires(R"({"A": "x", "B": "y"})"));
  OneRule all_sel(d + "  condition: all of sel_*\n");
  EXPECT_FALSE(all_sel.fires(R"({"A": "x"})"));
  OneRule explicit_hidden(d + "  condition: 1 of _sel*\n");
  EXPECT_TRUE(explicit_hidden.fires(R"({"H": "z"})"));
}

// 10 (correlation timespans) belongs to the correlation engine.

// A list of values that each equal, start or end the field is looked up as
// one set (merge_anchored_literals): every shape of the list still matches
// exactly as it did alone, case-insensitively, and nothing near it does.
TEST(SigmaSemantics, ValueListLookedUpAsOneSet) {
  OneRule r(
      "  sel:\n"
      "    Image: ['C:\\Tools\\a.exe', 'b.exe*', '*\\c.exe', 'Ä.dll', '*\\d?.exe', "
      "'e*f.exe']\n"
      "  condition: sel\n");
  EXPECT_TRUE(r.fires(R"({"Image": "c:\\tools\\A.EXE"})"));  // whole, folded
  EXPECT_FALSE(r.fires(R"({"Image": "x:\\c:\\tools\\a.exe"})"));
  EXPECT_FALSE(r.fires(R"({"Image": "c:\\tools\\a.exe "})"));
  EXPECT_TRUE(r.fires(R"({"Image": "B.EXE --flag"})"));  // prefix
  EXPECT_FALSE(r.fires(R"({"Image": "xb.exe"})"));
  EXPECT_TRUE(r.fires(R"({"Image": "D:\\x\\C.exe"})"));  // suffix
  EXPECT_FALSE(r.fires(R"({"Image": "D:\\x\\c.exe.bak"})"));
  EXPECT_FALSE(r.fires(R"({"Image": "c.exe"})"));     // shorter than the suffix
  EXPECT_TRUE(r.fires(R"({"Image": "ä.DLL"})"));      // whole, Unicode folding
  EXPECT_TRUE(r.fires(R"({"Image": "x\\d1.exe"})"));  // a glob, kept apart
  EXPECT_FALSE(r.fires(R"({"Image": "x\\d.exe"})"));
  EXPECT_TRUE(r.fires(R"({"Image": "e--f.exe"})"));
  EXPECT_FALSE(r.fires(R"({"Image": "other.exe"})"));
  EXPECT_FALSE(r.fires(R"({"Other": "b.exe"})"));  // field absent
}

// The same list as a filter (its values are not screened: only the set
// answers), and under `endswith`.
TEST(SigmaSemantics, ValueListSetAsFilter) {
  OneRule r(
      "  sel:\n"
      "    Image|endswith: '.exe'\n"
      "  filter:\n"
      "    Image|endswith: ['\\a.exe', '\\b.exe', '\\c.exe', '\\dd.exe']\n"
      "  condition: sel and not filter\n");
  EXPECT_FALSE(r.fires(R"({"Image": "C:\\X\\A.exe"})"));
  EXPECT_FALSE(r.fires(R"({"Image": "C:\\X\\dd.EXE"})"));
  EXPECT_TRUE(r.fires(R"({"Image": "C:\\X\\d.exe"})"));
  EXPECT_TRUE(r.fires(R"({"Image": "C:\\X\\xa.exe"})"));
  EXPECT_TRUE(r.fires(R"({"Image": "a.exe"})"));
}

// Merging keeps every value's pattern screened (the gates are built from
// them) and leaves the other values apart.
TEST(SigmaSemantics, ValueListSetKeepsScreenedPatterns) {
  Modifiers mods;
  mods.position = Modifiers::Position::kEndsWith;
  std::vector<std::shared_ptr<const ValueMatcher>> values;
  for (const char* v : {"\\a.exe", "\\b.exe", "\\c.exe", "\\d.exe", "\\e*.exe"}) {
    auto m = compile_value(mods, RuleValue{RuleValue::Type::kString, v}, {});
    ASSERT_TRUE(m.has_value());
    values.push_back(*m);
  }
  std::vector<const StringPattern*> before, after;
  for (const auto& v : values) v->screened_patterns(before);
  const auto merged = merge_anchored_literals(values);
  EXPECT_EQ(merged.size(), 2u);  // the glob, then the set of four
  for (const auto& v : merged) EXPECT_TRUE(v->screened_patterns(after));
  std::sort(before.begin(), before.end());
  std::sort(after.begin(), after.end());
  EXPECT_EQ(before, after);
  values.resize(kMinLiteralSet - 1);
  EXPECT_EQ(merge_anchored_literals(values).size(), kMinLiteralSet - 1);  // too few: apart
}

}  // namespace
}  // namespace vigil::sigma::testing
