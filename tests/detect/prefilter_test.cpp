// The Hyperscan literal prefilter (detect/literal_prefilter.h): it may only
// skip work, never change a result. Each case runs the same rules with and
// without it and checks both the expected outcome and that they agree.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>

#include "sigma_test_util.h"

namespace vigil::sigma::testing {
namespace {

// A rule set compiled twice: with the prefilter and without it.
class BothWays {
 public:
  explicit BothWays(const std::string& rules_yaml) {
    auto loaded = load_rules_from_text(rules_yaml, "inline.yml", {});
    for (const auto& e : loaded.errors) ADD_FAILURE() << e.reason;
    rule_count_ = loaded.rules.size();
    with_ = make(loaded.rules, true);
    without_ = make(loaded.rules, false);
  }
  // Ids of the rules that fire; fails the test when the two sets disagree.
  std::vector<std::string> fired(std::string_view json) const {
    const Value doc = event(json);
    const auto a = ids(with_->match(doc));
    EXPECT_EQ(a, ids(without_->match(doc))) << "prefilter changed the result for " << json;
    return a;
  }
  bool fires(std::string_view json) const { return !fired(json).empty(); }
  const RuleSet& with() const { return *with_; }
  size_t rule_count() const { return rule_count_; }

 private:
  static std::unique_ptr<RuleSet> make(const std::vector<std::shared_ptr<const Rule>>& rules,
                                       bool prefilter) {
    std::vector<FieldMapping> mappings;
    mappings.push_back(paths_mapping());
    return std::make_unique<RuleSet>(rules, std::move(mappings),
                                     RuleSetOptions{.literal_prefilter = prefilter});
  }
  static std::vector<std::string> ids(const std::vector<MatchedRule>& m) {
    std::vector<std::string> out;
    for (const auto& r : m) out.push_back(r.rule->meta.id);
    return out;
  }
  size_t rule_count_ = 0;
  std::unique_ptr<RuleSet> with_, without_;
};

std::string rule(const std::string& id, const std::string& detection) {
  return "title: " + id + "\nid: " + id + "\nlogsource: {product: test}\ndetection:\n" + detection;
}

BothWays one(const std::string& detection) {
  return BothWays(rule("r", detection));
}

TEST(SigmaPrefilter, LiteralInAnotherFieldDoesNotMatch) {
  auto r = one("  sel:\n    Image|endswith: '\\evil.exe'\n  condition: sel\n");
  EXPECT_EQ(r.with().literal_stats().anchored, 1u);  // a suffix: looked up, not scanned
  EXPECT_FALSE(r.fires(R"({"Image": "c:\\good.exe", "CommandLine": "c:\\evil.exe"})"));
  EXPECT_TRUE(r.fires(R"({"Image": "c:\\EVIL.exe", "CommandLine": "x"})"));
}

TEST(SigmaPrefilter, SameLiteralOnTwoFieldsIsScreenedPerField) {
  BothWays r(rule("a", "  sel:\n    A|contains: 'needle'\n  condition: sel\n") + "---\n" +
             rule("b", "  sel:\n    B|contains: 'needle'\n  condition: sel\n"));
  EXPECT_EQ(r.fired(R"({"A": "a needle", "B": "hay"})"), std::vector<std::string>{"a"});
  EXPECT_EQ(r.fired(R"({"A": "hay", "B": "needle!"})"), std::vector<std::string>{"b"});
  EXPECT_EQ(r.fired(R"({"A": "needle", "B": "NEEDLE"})"), (std::vector<std::string>{"a", "b"}));
}

// The database holds folded literals and scans the folded text: É/é and
// Cyrillic case pairs meet, which HS_FLAG_CASELESS (ASCII only) would miss.
TEST(SigmaPrefilter, CaseFoldedUnicodeLiteral) {
  auto r = one("  sel:\n    Path|contains: 'ÉCOLE\\ПРИВЕТ'\n  condition: sel\n");
  EXPECT_TRUE(r.fires(R"({"Path": "c:\\école\\привет\\x"})"));
  EXPECT_TRUE(r.fires(R"({"Path": "C:\\ÉCOLE\\ПРИВЕТ"})"));
  EXPECT_FALSE(r.fires(R"({"Path": "c:\\ecole\\привет"})"));
}

// The literal only makes a candidate: anchoring, `?` and the other pieces
// are still checked exactly.
TEST(SigmaPrefilter, LiteralPresentButPatternDoesNotMatch) {
  auto r = one("  sel:\n    F: 'prog?.exe*run'\n  condition: sel\n");
  EXPECT_TRUE(r.fires(R"({"F": "progA.exe --run"})"));
  EXPECT_FALSE(r.fires(R"({"F": "xprogA.exe --run"})"));
  EXPECT_FALSE(r.fires(R"({"F": "prog.exe --run"})"));
  EXPECT_FALSE(r.fires(R"({"F": "progA.exe --walk"})"));
  auto whole = one("  sel:\n    F: 'cmd.exe'\n  condition: sel\n");
  EXPECT_FALSE(whole.fires(R"({"F": "c:\\cmd.exe"})"));
  EXPECT_TRUE(whole.fires(R"({"F": "CMD.EXE"})"));
}

// `field: value` literals are looked up as the field's whole folded text
// instead of scanned for: a value that only contains one must not fire the
// equality rule, while the `contains` rule on the same literal still fires.
TEST(SigmaPrefilter, WholeValueLiteralsAreLookedUpNotScanned) {
  BothWays r(rule("eq", "  sel:\n    A: 'Logon'\n  condition: sel\n") + "---\n" +
             rule("has", "  sel:\n    A|contains: 'logon'\n  condition: sel\n") + "---\n" +
             rule("list", "  sel:\n    A:\n      - 'x'\n      - 'LOGOFF'\n  condition: sel\n"));
  const auto stats = r.with().literal_stats();
  EXPECT_EQ(stats.whole_texts, 3u);  // logon, x, logoff
  EXPECT_EQ(stats.literals, 1u);     // logon, scanned for by `contains`
  EXPECT_EQ(r.fired(R"({"A": "LOGON"})"), (std::vector<std::string>{"eq", "has"}));
  EXPECT_EQ(r.fired(R"({"A": "failed logon"})"), std::vector<std::string>{"has"});
  EXPECT_EQ(r.fired(R"({"A": "logoff"})"), std::vector<std::string>{"list"});
  EXPECT_EQ(r.fired(R"({"A": ["y", "Logoff"]})"), std::vector<std::string>{"list"});
  EXPECT_TRUE(r.fired(R"({"A": "logoff!"})").empty());
  EXPECT_TRUE(r.fired(R"({"B": "logon"})").empty());
}

// `startswith`/`endswith` literals are looked up from the text's ends (a
// trie), not scanned for; results are those of the exact checks.
TEST(SigmaPrefilter, AnchoredLiteralsAreLookedUpNotScanned) {
  BothWays r(
      rule("suffix", "  sel:\n    A|endswith: '\\cmd.exe'\n  condition: sel\n") + "---\n" +
      rule("prefix", "  sel:\n    A|startswith: 'C:\\Windows\\'\n  condition: sel\n") + "---\n" +
      rule("short", "  sel:\n    A|contains: '/c'\n  condition: sel\n") + "---\n" +
      rule("both", "  sel:\n    A|endswith: '.exe'\n    B|contains: ' -x'\n  condition: sel\n"));
  const auto stats = r.with().literal_stats();
  EXPECT_EQ(stats.anchored, 3u);  // \cmd.exe, c:\windows\, .exe
  EXPECT_EQ(stats.literals, 2u);  // "/c" and " -x", scanned for
  EXPECT_EQ(r.fired(R"({"A": "C:\\windows\\system32\\CMD.exe"})"),
            (std::vector<std::string>{"suffix", "prefix"}));
  EXPECT_EQ(r.fired(R"({"A": "c:\\x\\cmd.exe /c"})"), std::vector<std::string>{"short"});
  EXPECT_TRUE(r.fired(R"({"A": "d:\\cmd.exe.bak"})").empty());
  EXPECT_TRUE(r.fired(R"({"A": "x:\\c:\\windows\\cmd.ex"})").empty());
  EXPECT_EQ(r.fired(R"({"A": "x.EXE", "B": "run -X"})"), std::vector<std::string>{"both"});
  EXPECT_TRUE(r.fired(R"({"A": "x.EXE", "B": "run-X"})").empty());
  EXPECT_EQ(r.fired(R"({"A": ["c:\\windows\\a", "b\\cmd.exe"]})"),
            (std::vector<std::string>{"suffix", "prefix"}));
}

// A field whose screened literals all have a `=` (Sysmon's `Hashes`) is
// looked up at each `=` of its text, not scanned; a field with one literal
// without it keeps them all in Hyperscan.
TEST(SigmaPrefilter, HashLiteralsArePinnedNotScanned) {
  BothWays r(
      rule("md5", "  sel:\n    Hashes|contains: 'MD5=AB12'\n  condition: sel\n") + "---\n" +
      rule("imp",
           "  sel:\n    Hashes|contains:\n      - 'IMPHASH=FF00'\n      - 'SHA1=77'\n"
           "  condition: sel\n") +
      "---\n" +
      rule("mixed", "  sel:\n    B|contains:\n      - 'x=1'\n      - 'plain'\n  condition: sel\n"));
  const auto stats = r.with().literal_stats();
  EXPECT_EQ(stats.pinned, 3u);    // md5=ab12, imphash=ff00, sha1=77
  EXPECT_EQ(stats.literals, 2u);  // x=1 and plain, scanned for
  EXPECT_EQ(r.fired(R"({"Hashes": "SHA1=0077,MD5=AB12CD,IMPHASH=FF00"})"),
            (std::vector<std::string>{"md5", "imp"}));
  EXPECT_EQ(r.fired(R"({"Hashes": "sha1=77"})"), std::vector<std::string>{"imp"});
  EXPECT_TRUE(r.fired(R"({"Hashes": "MD5=AB1,SHA1=7"})").empty());
  EXPECT_TRUE(r.fired(R"({"Hashes": "XMD5=AB1"})").empty());
  EXPECT_EQ(r.fired(R"({"Hashes": "XMD5=AB12"})"), std::vector<std::string>{"md5"});
  EXPECT_EQ(r.fired(R"({"B": "a PLAIN text"})"), std::vector<std::string>{"mixed"});
}

// Only a gate's patterns are screened on a field: a filter's `contains`,
// `endswith` or value (never a gate: its absence can make the rule true) is
// checked exactly when its rule is evaluated. The same literal gating another
// rule is screened, and the filter still reads its own field.
TEST(SigmaPrefilter, OnlyGatePatternsAreScreened) {
  BothWays r(rule("filtered",
                  "  sel:\n    A|contains: 'evil'\n  filter:\n    B|contains: 'benign'\n"
                  "  filter_end:\n    B|endswith: '.ok'\n  filter_eq:\n    B: 'fine'\n"
                  "  condition: sel and not 1 of filter*\n") +
             "---\n" + rule("other", "  sel:\n    C|contains: 'benign'\n  condition: sel\n"));
  const auto stats = r.with().literal_stats();
  EXPECT_EQ(stats.literals, 2u);  // evil on A, benign on C; not benign on B
  EXPECT_EQ(stats.anchored, 0u);
  EXPECT_EQ(stats.whole_texts, 0u);
  EXPECT_EQ(r.fired(R"({"A": "an EVIL one"})"), std::vector<std::string>{"filtered"});
  EXPECT_TRUE(r.fired(R"({"A": "evil", "B": "quite Benign"})").empty());
  EXPECT_TRUE(r.fired(R"({"A": "evil", "B": "x.OK"})").empty());
  EXPECT_TRUE(r.fired(R"({"A": "evil", "B": "Fine"})").empty());
  EXPECT_EQ(r.fired(R"({"A": "evil", "B": "fine.ok!"})"), std::vector<std::string>{"filtered"});
  EXPECT_EQ(r.fired(R"({"A": "evil", "B": "x", "C": "benign"})"),
            (std::vector<std::string>{"filtered", "other"}));
  EXPECT_EQ(r.fired(R"({"A": "evil", "B": "benign", "C": "benign"})"),
            std::vector<std::string>{"other"});
  EXPECT_TRUE(r.fired(R"({"B": "benign"})").empty());
}

TEST(SigmaPrefilter, PatternsWithoutLiteralStillWork) {
  auto star = one("  sel:\n    F: '*'\n  condition: sel\n");
  EXPECT_TRUE(star.fires(R"({"F": "anything"})"));
  EXPECT_FALSE(star.fires(R"({"G": "anything"})"));
  auto one_char = one("  sel:\n    F: '?'\n  condition: sel\n");
  EXPECT_TRUE(one_char.fires(R"({"F": "é"})"));
  EXPECT_FALSE(one_char.fires(R"({"F": "ab"})"));
  auto empty = one("  sel:\n    F: ''\n  condition: sel\n");
  EXPECT_TRUE(empty.fires(R"({"F": ""})"));
  EXPECT_FALSE(empty.fires(R"({"F": "x"})"));
  auto re = one("  sel:\n    F|re: 'ab+c'\n  condition: sel\n");
  EXPECT_TRUE(re.fires(R"({"F": "xabbbc"})"));
  auto cased = one("  sel:\n    F|cased|contains: 'Needle'\n  condition: sel\n");
  EXPECT_TRUE(cased.fires(R"({"F": "a Needle"})"));
  EXPECT_FALSE(cased.fires(R"({"F": "a needle"})"));
  auto keyword = one("  keywords:\n    - 'mimikatz'\n  condition: keywords\n");
  EXPECT_TRUE(keyword.fires(R"({"A": {"B": "run MIMIKATZ now"}})"));
  EXPECT_FALSE(keyword.fires(R"({"A": {"B": "run now"}})"));
}

// A rule with no screened literal has no gate: `not`, numbers, cased,
// regexes are evaluated on every event.
TEST(SigmaPrefilter, RuleSetWithZeroLiterals) {
  BothWays r(rule("num", "  sel:\n    EventID: 4688\n  condition: sel\n") + "---\n" +
             rule("re", "  sel:\n    F|re: '^[a-z]{3}$'\n  condition: sel\n") + "---\n" +
             rule("cased", "  sel:\n    F|cased: 'X'\n  condition: sel\n"));
  EXPECT_EQ(r.with().literal_stats().databases, 0u);
  EXPECT_EQ(r.with().gated_rules().first, 1u);  // the event id, looked up as a whole text
  EXPECT_EQ(r.fired(R"({"EventID": 4688, "F": "xxx"})"), (std::vector<std::string>{"num", "re"}));
  EXPECT_EQ(r.fired(R"({"EventID": "4688", "F": "X"})"),
            (std::vector<std::string>{"num", "cased"}));
  EXPECT_TRUE(r.fired(R"({"EventID": 1})").empty());
}

TEST(SigmaPrefilter, NegatedLiteralsAreNotGates) {
  auto r =
      one("  sel:\n    EventID|gte: 1\n  filter:\n    Image|endswith: '\\good.exe'\n"
          "  condition: sel and not filter\n");
  EXPECT_EQ(r.with().gated_rules().first, 0u);
  EXPECT_TRUE(r.fires(R"({"EventID": 1, "Image": "c:\\bad.exe"})"));
  EXPECT_FALSE(r.fires(R"({"EventID": 1, "Image": "c:\\good.exe"})"));
  auto gated =
      one("  sel:\n    Image|endswith: '\\bad.exe'\n  filter:\n    User: 'admin'\n"
          "  condition: sel and not filter\n");
  EXPECT_EQ(gated.with().gated_rules().first, 1u);
  EXPECT_TRUE(gated.fires(R"({"Image": "c:\\bad.exe", "User": "bob"})"));
  EXPECT_FALSE(gated.fires(R"({"Image": "c:\\bad.exe", "User": "Admin"})"));
}

// Two clauses: both sides of the AND must have a literal that fired.
TEST(SigmaPrefilter, TwoClauseGate) {
  auto r =
      one("  img:\n    Image|endswith: '\\cmd.exe'\n  cli:\n    CommandLine|contains|all: ['/c', "
          "'echo']\n  condition: img and cli\n");
  EXPECT_EQ(r.with().gated_rules().first, 1u);
  EXPECT_TRUE(r.fires(R"({"Image": "c:\\cmd.exe", "CommandLine": "cmd /c ECHO x"})"));
  EXPECT_FALSE(r.fires(R"({"Image": "c:\\cmd.exe", "CommandLine": "cmd /c dir"})"));
  EXPECT_FALSE(r.fires(R"({"Image": "c:\\pwsh.exe", "CommandLine": "cmd /c echo"})"));
  EXPECT_FALSE(r.fires(R"({"Image": "c:\\cmd.exe"})"));
}

TEST(SigmaPrefilter, GatesFollowAndOrOneOfAllOf) {
  auto r =
      one("  a:\n    F|contains: 'alpha'\n  b:\n    G|contains: 'beta'\n"
          "  c:\n    H|contains|all: ['gam', 'ma']\n"
          "  condition: (a and b) or 1 of c*\n");
  EXPECT_EQ(r.with().gated_rules().first, 1u);
  EXPECT_TRUE(r.fires(R"({"F": "alpha", "G": "beta"})"));
  EXPECT_FALSE(r.fires(R"({"F": "alpha", "G": "gamma"})"));
  EXPECT_TRUE(r.fires(R"({"H": "gamma"})"));
  EXPECT_FALSE(r.fires(R"({"H": "gam"})"));
  auto any = one("  a:\n    F: 'x'\n  b:\n    G|gt: 1\n  condition: a or b\n");
  EXPECT_EQ(any.with().gated_rules().first, 0u);  // b needs no literal
  EXPECT_TRUE(any.fires(R"({"G": 2})"));
}

// The literals of each clause of a one-rule YAML's gate (uniform weights), sorted.
std::vector<std::vector<std::string>> gate_literals(const std::string& yaml) {
  auto loaded = load_rules_from_text(yaml, "inline.yml", {});
  EXPECT_EQ(loaded.rules.size(), 1u);
  std::vector<std::vector<std::string>> clauses;
  if (loaded.rules.empty()) return clauses;
  const auto gate = rule_gate(*loaded.rules[0], LiteralWeights{});
  if (!gate) return clauses;
  for (const auto& clause : *gate) {
    std::vector<std::string> literals;
    for (const auto& l : clause) literals.emplace_back(l.pattern->required_literal());
    std::sort(literals.begin(), literals.end());
    clauses.push_back(literals);
  }
  std::sort(clauses.begin(), clauses.end());
  return clauses;
}

// A regex's gate is the longest atom it cannot match without, not the
// union of its atoms: `\.exe.*werfaultsecure\.exe` opens on
// "werfaultsecure.exe", not on every ".exe". When no atom is required
// (an alternation) the clause is the union.
TEST(SigmaPrefilter, RegexGateIsItsLongestRequiredAtom) {
  const std::string required = rule(
      "r", "  sel:\n    CommandLine|re: '\\.exe\\s.*werfaultsecure\\.exe'\n  condition: sel\n");
  using Clauses = std::vector<std::vector<std::string>>;
  EXPECT_EQ(gate_literals(required), (Clauses{{"werfaultsecure.exe"}}));
  BothWays r(required);
  EXPECT_TRUE(r.fires(R"({"CommandLine": "wsass.exe c:\\werfaultsecure.exe 123"})"));
  EXPECT_FALSE(r.fires(R"({"CommandLine": "wsass.exe c:\\other.exe 123"})"));
  EXPECT_FALSE(r.fires(R"({"CommandLine": "werfaultsecure.exe 123"})"));
  const std::string either =
      rule("r", "  sel:\n    CommandLine|re: '(alphaxx|betaxx)yy'\n  condition: sel\n");
  const auto clauses = gate_literals(either);
  ASSERT_EQ(clauses.size(), 1u);
  EXPECT_EQ(clauses[0].size(), 2u);
  BothWays e(either);
  EXPECT_TRUE(e.fires(R"({"CommandLine": "x betaxxyy"})"));
  EXPECT_FALSE(e.fires(R"({"CommandLine": "x betaxx yy"})"));
}

// With no long atom, a regex's gate is the clause of its filter whose
// shortest atom is longest: for SigmaHQ's Raspberry Robin pattern the
// dot-and-quote pairs, not the backslash or the dot every command line has.
TEST(SigmaPrefilter, RegexGateAvoidsOneByteAtomsWhenAClauseHasLonger) {
  const std::string yaml =
      rule("r",
           "  sel:\n    CommandLine|re: '\\\\[a-z0-9]{1,32}\\.[a-z0-9]{1,6}\\.[ \"]'\n"
           "  condition: sel\n");
  EXPECT_EQ(gate_literals(yaml), (std::vector<std::vector<std::string>>{{". ", ".\""}}));
  BothWays r(yaml);
  EXPECT_TRUE(r.fires(R"({"CommandLine": "odbcconf -a c:\\x\\abc.de. /s"})"));
  EXPECT_TRUE(r.fires(R"({"CommandLine": "x \\a1.b2.\" y"})"));
  EXPECT_FALSE(r.fires(R"({"CommandLine": "c:\\x\\abc.de.f"})"));
  EXPECT_TRUE(r.fires(R"({"CommandLine": "c:\\windows\\a.exe. b"})"));
  EXPECT_FALSE(r.fires(R"({"CommandLine": "c:\\windows\\a-b.exe. b"})"));
  EXPECT_FALSE(r.fires(R"({"CommandLine": "abc.de. x"})"));
}

// Of three necessary clauses a gate keeps two: not the one of a two-byte
// literal, which nearly every text holds, though no other rule shares it.
TEST(SigmaPrefilter, GateLeavesOutTheClauseOfAShortLiteral) {
  const std::string yaml = rule("r",
                                "  sel:\n    F|contains: ' -'\n    G|contains: 'alpha'\n"
                                "    H|contains: 'beta'\n  condition: sel\n");
  EXPECT_EQ(gate_literals(yaml), (std::vector<std::vector<std::string>>{{"alpha"}, {"beta"}}));
  BothWays r(yaml);
  EXPECT_TRUE(r.fires(R"({"F": "x -y", "G": "alpha", "H": "beta"})"));
  EXPECT_FALSE(r.fires(R"({"F": "x y", "G": "alpha", "H": "beta"})"));
  EXPECT_FALSE(r.fires(R"({"F": "x -y", "G": "alpha", "H": "bet"})"));
}

// An OR keeps two clauses, each the union of a clause of either side: for
// `(a and b) or c` both a|c and b|c must open, so an event with alpha and
// delta but no beta is rejected by the gate (the old single clause a|c let
// it through to evaluation). The results are those of the rule either way.
TEST(SigmaPrefilter, OrKeepsTwoUnionClauses) {
  const std::string yaml = rule("r",
                                "  a:\n    F|contains: 'alpha'\n  b:\n    G|contains: 'beta'\n"
                                "  c:\n    H|contains: 'delta'\n"
                                "  condition: (a and b) or c\n");
  EXPECT_EQ(gate_literals(yaml),
            (std::vector<std::vector<std::string>>{{"alpha", "delta"}, {"beta", "delta"}}));
  BothWays r(yaml);
  EXPECT_TRUE(r.fires(R"({"F": "alpha", "G": "beta"})"));
  EXPECT_TRUE(r.fires(R"({"H": "delta"})"));
  EXPECT_TRUE(r.fires(R"({"F": "alpha", "H": "delta"})"));
  EXPECT_FALSE(r.fires(R"({"F": "alpha", "G": "gamma"})"));
  EXPECT_FALSE(r.fires(R"({"G": "beta", "H": "epsilon"})"));
}

// Keywords are screened over every text of the event at once, so a rule
// of keywords has a gate; each text is still checked on its own.
TEST(SigmaPrefilter, KeywordsAreScreenedOverEveryText) {
  auto r = one("  keywords:\n    - 'mimikatz'\n    - 'sekurlsa::'\n  condition: keywords\n");
  EXPECT_EQ(r.with().gated_rules().first, 1u);
  EXPECT_TRUE(r.fires(R"({"A": "x", "B": {"C": ["y", "run SEKURLSA::logonpasswords"]}})"));
  EXPECT_FALSE(r.fires(R"({"A": "mimi", "B": "katz"})"));
  EXPECT_FALSE(r.fires(R"({"A": 1, "B": true})"));
  auto all =
      one("  keywords:\n    '|all':\n      - 'alpha'\n      - 'beta'\n  condition: keywords\n");
  EXPECT_EQ(all.with().gated_rules().first, 1u);
  EXPECT_TRUE(all.fires(R"({"A": "ALPHA", "B": "beta"})"));
  EXPECT_FALSE(all.fires(R"({"A": "ALPHA", "B": "bet"})"));
}

// A keyword absent from the event is remembered while the event's texts
// are tested in turn; another keyword, and the next event, are screened
// afresh.
TEST(SigmaPrefilter, AbsentKeywordIsRememberedForOneEventOnly) {
  auto r = one("  keywords:\n    - 'alphakw'\n    - 'betakw'\n  condition: keywords\n");
  EXPECT_TRUE(r.fires(R"({"A": "x", "B": "y", "C": "run BETAKW"})"));
  EXPECT_TRUE(r.fires(R"({"A": "x", "B": "alphakw", "C": "z"})"));
  EXPECT_FALSE(r.fires(R"({"A": "alpha", "B": "kw", "C": "beta"})"));
  EXPECT_TRUE(r.fires(R"({"A": "alphakw"})"));
}

// Keyword literals are scanned over all texts joined: a literal spanning two
// texts only makes the rule a candidate, each text is still tested alone.
// Keyword literals with a letter no number or boolean text has skip those
// values in the keyword scan; one that could be a number's text keeps them.
TEST(SigmaPrefilter, KeywordScanSkipsNumbersOnlyWhenNoLiteralCouldBeOne) {
  BothWays words(rule("w", "  keywords:\n    - 'mimikatz'\n  condition: keywords\n"));
  EXPECT_TRUE(words.fires(R"({"a": 4688, "b": "run MIMIKATZ now", "c": true})"));
  EXPECT_FALSE(words.fires(R"({"a": 4688, "b": "mimi", "c": "katz"})"));
  BothWays digits(rule("d", "  keywords:\n    - '4688'\n    - 'rue'\n  condition: keywords\n"));
  EXPECT_TRUE(digits.fires(R"({"a": 4688, "b": "x"})"));
  EXPECT_TRUE(digits.fires(R"({"a": 1, "b": true})"));
  EXPECT_FALSE(digits.fires(R"({"a": 468, "b": false})"));
}

// The keyword scan reads ASCII events raw through a caseless database and
// folds the others first: upper-case ASCII, non-ASCII letters that fold to
// the keyword, and a keyword of non-ASCII letters all meet.
TEST(SigmaPrefilter, KeywordsMeetUpperCaseAsciiAndFoldedUnicode) {
  BothWays r(
      rule("k", "  keywords:\n    - 'sekurlsa::'\n    - 'école\\привет'\n  condition: keywords\n"));
  EXPECT_TRUE(r.fires(R"({"a": 1, "b": "run SEKURLSA::LogonPasswords"})"));
  EXPECT_TRUE(r.fires(R"({"a": "é", "b": "run SeKuRlSa::x"})"));
  EXPECT_TRUE(r.fires(R"({"b": "c:\\ÉCOLE\\ПРИВЕТ\\x"})"));
  EXPECT_TRUE(r.fires(R"({"a": "ascii", "b": ["x", "École\\Привет"]})"));
  EXPECT_FALSE(r.fires(R"({"b": "c:\\ECOLE\\ПРИВЕТ", "c": "sekurlsa:"})"));
}

// Non-ASCII characters of the joined texts are folded in place, and from
// the first whose lower case is shorter or longer in UTF-8 (the Kelvin sign
// folds to `k`, U+023A to a three-byte letter) the rest is folded into a
// copy: keywords in, before and after such texts all meet.
TEST(SigmaPrefilter, KeywordsMeetTextsAfterALowerCaseOfAnotherLength) {
  BothWays r(rule("k",
                  "  keywords:\n    - 'kerberos'\n    - 'sekurlsa::'\n    - 'école'\n"
                  "  condition: keywords\n"));
  EXPECT_TRUE(r.fires(R"({"a": "\u212aERBEROS"})"));
  EXPECT_TRUE(r.fires(R"({"a": "É", "b": "\u023a", "c": "x SEKURLSA::"})"));
  EXPECT_TRUE(r.fires(R"({"a": "\u023a", "b": "\u212a", "c": "ÉCOLE"})"));
  EXPECT_TRUE(r.fires(R"({"a": "ÉCOLE \u212a", "b": "\u023a"})"));
  EXPECT_FALSE(r.fires(R"({"a": "\u023a", "b": "\u212a", "c": "ECOLE sekurlsa:"})"));
}

// `EventID: 4688` is screened as the whole text "4688": the rule gets a
// gate, and integers, doubles, numeric strings and arrays still meet it
// exactly as without the prefilter. 0 is not screened (-0.0 equals it but
// is written "-0").
// A pattern evaluation never screens (a value set's member, looked up by
// the set itself; an event id's text, compared as a number) only opens its
// rule's gate: it keeps no bit. A literal that another rule's `contains`
// also requires keeps that pattern's bit and opens both gates.
TEST(SigmaPrefilter, OnlyPatternsEvaluationScreensKeepTheirBits) {
  BothWays r(rule("set",
                  "  sel:\n    A|endswith:\n      - '\\a.exe'\n      - '\\b.exe'\n"
                  "      - '\\c.exe'\n      - '\\shared.exe'\n  condition: sel\n") +
             "---\n" + rule("id", "  sel:\n    EventID: 4688\n  condition: sel\n") + "---\n" +
             rule("has", "  sel:\n    A|contains: '\\shared.exe'\n  condition: sel\n"));
  EXPECT_EQ(r.with().gated_rules().first, 3u);
  EXPECT_EQ(r.with().literal_stats().patterns, 1u);  // only `has`'s
  EXPECT_EQ(r.fired(R"({"A": "x\\B.exe"})"), std::vector<std::string>{"set"});
  EXPECT_EQ(r.fired(R"({"A": "x\\Shared.exe"})"), (std::vector<std::string>{"set", "has"}));
  EXPECT_EQ(r.fired(R"({"A": "x\\shared.exe /y"})"), std::vector<std::string>{"has"});
  EXPECT_EQ(r.fired(R"({"EventID": 4688, "A": "c.exe"})"), std::vector<std::string>{"id"});
  EXPECT_TRUE(r.fired(R"({"EventID": 4689, "A": "x\\d.exe"})").empty());
}

TEST(SigmaPrefilter, IntegerValuesAreScreenedAsWholeTexts) {
  BothWays r(rule("id", "  sel:\n    EventID: 4688\n  condition: sel\n") + "---\n" +
             rule("zero", "  sel:\n    EventID: 0\n  condition: sel\n"));
  EXPECT_EQ(r.with().gated_rules().first, 1u);
  EXPECT_EQ(r.with().literal_stats().whole_texts, 1u);
  for (const char* hit :
       {R"({"EventID": 4688})", R"({"EventID": "4688"})", R"({"EventID": 4688.0})",
        R"({"EventID": 4.688e3})", R"({"EventID": [1, 4688]})"}) {
    EXPECT_EQ(r.fired(hit), std::vector<std::string>{"id"}) << hit;
  }
  for (const char* miss :
       {R"({"EventID": 4689})", R"({"EventID": "4688 "})", R"({"EventID": "04688"})",
        R"({"EventID": 4688.5})", R"({"Other": 4688})"}) {
    EXPECT_TRUE(r.fired(miss).empty()) << miss;
  }
  EXPECT_EQ(r.fired(R"({"EventID": -0.0})"), std::vector<std::string>{"zero"});
  EXPECT_EQ(r.fired(R"({"EventID": 0})"), std::vector<std::string>{"zero"});
}

// The keyword scan joins the event's texts into a buffer kept from event to
// event: texts that outgrow it, found at either end, and a short event
// after a long one are all read whole.
TEST(SigmaPrefilter, KeywordScanReadsEveryTextOfLongAndShortEvents) {
  auto r = one("  keywords:\n    - 'needlekw'\n  condition: keywords\n");
  const std::string big(300000, 'a');
  EXPECT_TRUE(r.fires(R"({"A": "needlekw", "B": ")" + big + R"(", "C": ")" + big + R"("})"));
  EXPECT_TRUE(r.fires(R"({"A": ")" + big + R"(", "B": ")" + big + R"(", "C": "x NEEDLEKW"})"));
  EXPECT_FALSE(r.fires(R"({"A": ")" + big + R"(needle", "B": "kw"})"));
  EXPECT_FALSE(r.fires(R"({"A": "needle"})"));
  EXPECT_TRUE(r.fires(R"({"A": "needlekw"})"));
}

TEST(SigmaPrefilter, KeywordAcrossTwoTextsDoesNotMatch) {
  auto r = one("  keywords:\n    - 'abcdef'\n  condition: keywords\n");
  EXPECT_FALSE(r.fires(R"({"A": "xxabc", "B": "defxx"})"));
  EXPECT_FALSE(r.fires(R"({"A": "abc\ndef"})"));
  EXPECT_TRUE(r.fires(R"({"A": "xx", "B": "zABCDEFz"})"));
}

// Regexes are screened by their RE2 prefilter atoms (lower-cased literals):
// a regex whose atoms are absent is not run, and its test gates the rule;
// the regex itself still decides, case-sensitively unless `i`.
TEST(SigmaPrefilter, RegexesAreScreenedByTheirAtoms) {
  auto r =
      one("  sel:\n    CommandLine|re: 'Invoke-(Expression|WebRequest)\\s+-Uri'\n"
          "  condition: sel\n");
  EXPECT_EQ(r.with().gated_rules().first, 1u);
  EXPECT_TRUE(r.fires(R"({"CommandLine": "x Invoke-WebRequest  -Uri http://a"})"));
  EXPECT_FALSE(r.fires(R"({"CommandLine": "x invoke-webrequest -uri http://a"})"));  // cased
  EXPECT_FALSE(r.fires(R"({"CommandLine": "x Invoke-Command -Uri"})"));
  EXPECT_FALSE(r.fires(R"({"Other": "Invoke-WebRequest -Uri"})"));
  auto i = one("  sel:\n    CommandLine|re|i: 'frombase64string\\('\n  condition: sel\n");
  EXPECT_EQ(i.with().gated_rules().first, 1u);
  EXPECT_TRUE(i.fires(R"j({"CommandLine": "[Convert]::FromBase64String('QQ==')"})j"));
  EXPECT_FALSE(i.fires(R"({"CommandLine": "[Convert]::FromBase64String"})"));
  // No literal to require: the regex runs on every event (no gate).
  auto bare = one("  sel:\n    CommandLine|re: '^[a-z]{3}.+$'\n  condition: sel\n");
  EXPECT_EQ(bare.with().gated_rules().first, 0u);
  EXPECT_TRUE(bare.fires(R"({"CommandLine": "abc123"})"));
  EXPECT_FALSE(bare.fires(R"({"CommandLine": "ABC123"})"));
}

// A regex without atoms of 3 bytes is gated by shorter ones it requires
// (SigmaHQ's token obfuscation rule: a backquote), not run on every event.
TEST(SigmaPrefilter, RegexWithOnlyShortAtomsIsGated) {
  auto r = one("  sel:\n    CommandLine|re: '\\w+`\\w+'\n  condition: sel\n");
  EXPECT_EQ(r.with().gated_rules().first, 1u);
  EXPECT_TRUE(r.fires(R"({"CommandLine": "IN`V`o`Ke-eXp`ResSIOn"})"));
  EXPECT_FALSE(r.fires(R"({"CommandLine": "Invoke-Expression"})"));
  EXPECT_FALSE(r.fires(R"({"CommandLine": "x ` y"})"));
  auto digits = one("  sel:\n    CommandLine|re: '^[a-z]{3}\\d+$'\n  condition: sel\n");
  EXPECT_EQ(digits.with().gated_rules().first, 1u);  // one of the ten digits
  EXPECT_TRUE(digits.fires(R"({"CommandLine": "abc123"})"));
  EXPECT_FALSE(digits.fires(R"({"CommandLine": "abcdef"})"));
  EXPECT_FALSE(digits.fires(R"({"CommandLine": "ab123"})"));
}

// A regex's atoms pass or fail by their AND/OR tree: with few atoms its
// answers are a table made at compile time, with more RE2 is asked per
// event. Both must say the same as running the regex on every event.
TEST(SigmaPrefilter, RegexAtomTreeDecidesWithFewAndManyAtoms) {
  auto few = one("  sel:\n    CommandLine|re: '(alpha.*beta|gamma)delta'\n  condition: sel\n");
  EXPECT_EQ(few.with().gated_rules().first, 1u);
  EXPECT_TRUE(few.fires(R"({"CommandLine": "alpha x betadelta"})"));
  EXPECT_TRUE(few.fires(R"({"CommandLine": "gammadelta"})"));
  EXPECT_FALSE(few.fires(R"({"CommandLine": "alpha xdelta"})"));    // beta missing
  EXPECT_FALSE(few.fires(R"({"CommandLine": "alpha betadelt"})"));  // delta missing
  EXPECT_FALSE(few.fires(R"({"CommandLine": "beta alpha delta"})"));
  // Eight alternatives, each two atoms: more than a table holds.
  auto many = one(
      "  sel:\n    CommandLine|re: "
      "'(aaa1.*bbb1|aaa2.*bbb2|aaa3.*bbb3|aaa4.*bbb4|aaa5.*bbb5|aaa6.*bbb6|aaa7.*bbb7|aaa8.*bbb8)'"
      "\n  condition: sel\n");
  EXPECT_EQ(many.with().gated_rules().first, 1u);
  EXPECT_TRUE(many.fires(R"({"CommandLine": "x aaa7 y bbb7"})"));
  EXPECT_FALSE(many.fires(R"({"CommandLine": "x aaa7 y bbb6"})"));
  EXPECT_FALSE(many.fires(R"({"CommandLine": "x bbb8 aaa8"})"));
}

// A field's literals are found once per text (a big database reports every
// occurrence, a small one the first): a literal many times in one text, in
// two fields (the same literal index in two databases), in two array
// elements and in the next event is found every time, in both kinds.
TEST(SigmaPrefilter, RepeatedLiteralIsFoundInEveryTextItOccursIn) {
  for (const int others : {0, 1200}) {
    std::string values = "\n      - ' -x'";
    for (int i = 0; i < others; ++i) values += "\n      - 'lit" + std::to_string(i) + "q'";
    auto r = one("  sel:\n    F|contains:" + values + "\n    G|contains:" + values +
                 "\n  condition: sel\n");
    EXPECT_TRUE(r.fires(R"({"F": "a -x -x -x -x -x", "G": "b -x"})")) << others;
    EXPECT_TRUE(r.fires(R"({"F": ["none", "c -x -x"], "G": ["d -x", "e -x"]})")) << others;
    EXPECT_TRUE(r.fires(R"({"F": "f -x", "G": "g -x -x"})")) << others;
    EXPECT_FALSE(r.fires(R"({"F": "h -x -x", "G": "i -y"})")) << others;
    EXPECT_EQ(r.fires(R"({"F": "j lit7q lit7q", "G": "lit7q k"})"), others > 0) << others;
  }
}

TEST(SigmaPrefilter, FieldValueLongerThanAnyLiteral) {
  auto r = one("  sel:\n    F|endswith: 'tail-marker'\n  condition: sel\n");
  std::string big(1 << 20, 'a');
  EXPECT_FALSE(r.fires(R"({"F": ")" + big + R"("})"));
  EXPECT_TRUE(r.fires(R"({"F": ")" + big + R"(TAIL-MARKER"})"));
  EXPECT_FALSE(r.fires(R"({"F": ")" + big + R"(tail-marker."})"));
}

TEST(SigmaPrefilter, ArrayElementsAndNumbersAreScanned) {
  auto r =
      one("  sel:\n    Tags|contains: 'lateral'\n    Port|startswith: '44'\n  condition: sel\n");
  EXPECT_TRUE(r.fires(R"({"Tags": ["initial", "LATERAL-movement"], "Port": 445})"));
  EXPECT_FALSE(r.fires(R"({"Tags": ["initial", "exfil"], "Port": 445})"));
  EXPECT_FALSE(r.fires(R"({"Tags": ["lateral"], "Port": 3389})"));
}

TEST(SigmaPrefilter, WideAndWindashLiterals) {
  auto r = one("  sel:\n    F|wide|base64offset|contains: 'ping'\n  condition: sel\n");
  EXPECT_TRUE(r.fires(R"({"F": "powershell -enc cABpAG4AZwA="})"));
  auto dash = one("  sel:\n    F|windash|contains: ' -exec '\n  condition: sel\n");
  EXPECT_TRUE(dash.fires(R"({"F": "x /exec y"})"));
  EXPECT_TRUE(dash.fires(R"({"F": "x \u2013exec y"})"));
  EXPECT_FALSE(dash.fires(R"({"F": "x exec y"})"));
}

// Many threads share one rule set: each has its own scratch and bits, so
// results match the single-threaded ones.
TEST(SigmaPrefilter, ScratchPerThreadUnderConcurrentUse) {
  std::string rules;
  for (int i = 0; i < 40; ++i) {
    rules += rule("r" + std::to_string(i),
                  "  sel:\n    F|contains: 'word" + std::to_string(i) + "x'\n  condition: sel\n") +
             "---\n";
  }
  BothWays set(rules);
  ASSERT_EQ(set.rule_count(), 40u);
  std::vector<Value> events;
  for (int i = 0; i < 40; ++i) {
    events.push_back(event(R"({"F": "a word)" + std::to_string(i) + R"(x b word)" +
                           std::to_string((i * 7) % 40) + R"(x"})"));
  }
  std::vector<size_t> expected;
  for (const auto& e : events) expected.push_back(set.with().match(e).size());
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 50; ++round) {
        for (size_t i = 0; i < events.size(); ++i) {
          const size_t k = (i + static_cast<size_t>(t) * 11) % events.size();
          if (set.with().match(events[k]).size() != expected[k]) ++mismatches[t];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
  EXPECT_EQ(expected[0], 1u);  // word0x
  EXPECT_EQ(expected[1], 2u);  // word1x and word7x
}

// match() walks only the bindings whose first gate clause a literal opened
// (plus the ungated ones), not every binding: with hundreds of rules, gate
// ids across many 64-bit words, one- and two-clause gates and ungated rules,
// the set that fires is the one the rules' own logic gives, computed here.
TEST(SigmaPrefilter, OnlyTheOpenedBindingsAreWalkedAndNoneIsMissed) {
  constexpr int kRules = 300;
  const auto word = [](int i) { return "w" + std::to_string(i) + "x"; };
  const auto suffix = [](int i) { return ".s" + std::to_string(i % 7); };
  std::string rules;
  for (int i = 0; i < kRules; ++i) {
    const std::string id = "r" + std::to_string(1000 + i);  // ids sort in load order
    if (i % 2 == 0) {                                       // two clauses: A's word and B's suffix
      rules += rule(id, "  a:\n    A|contains: '" + word(i) + "'\n  b:\n    B|endswith: '" +
                            suffix(i) + "'\n  condition: a and b\n");
    } else {
      rules += rule(id, "  a:\n    A|contains: '" + word(i) + "'\n  condition: a\n");
    }
    rules += "---\n";
  }
  rules += rule("r9999", "  c:\n    C: 'x'\n  condition: not c\n");  // no gate
  BothWays set(rules);
  ASSERT_EQ(set.rule_count(), static_cast<size_t>(kRules) + 1);
  const auto [gated, all] = set.with().gated_rules();
  EXPECT_EQ(gated, static_cast<size_t>(kRules));
  EXPECT_EQ(all, static_cast<size_t>(kRules) + 1);
  for (int e = 0; e < 40; ++e) {
    std::vector<int> words;
    for (int k = 0; k < 6; ++k) words.push_back((e * 37 + k * 53) % kRules);
    const int b = e % 7;
    const bool c_is_x = e % 3 == 0;
    std::string a;
    for (int w : words) a += word(w) + " ";
    const std::string json = R"({"A": ")" + a + R"(", "B": "file)" + suffix(b) + R"(", "C": ")" +
                             (c_is_x ? "x" : "y") + R"("})";
    std::vector<std::string> expected;
    for (int i = 0; i < kRules; ++i) {
      const bool has_word = std::find(words.begin(), words.end(), i) != words.end();
      if (has_word && (i % 2 == 1 || i % 7 == b))
        expected.push_back("r" + std::to_string(1000 + i));
    }
    if (!c_is_x) expected.push_back("r9999");
    EXPECT_EQ(set.fired(json), expected) << json;
  }
}

// Gate clauses are ordered by the weight of their literals (how many
// patterns of the rule set require each), not by their count: `\cmd.exe`,
// which three other rules also test, weighs more than two literals no other
// rule has, so the command-line clause comes first (the one whose opening
// makes match() visit the rule). Results are the same either way.
TEST(SigmaPrefilter, GateClausesAreOrderedByLiteralWeight) {
  std::string yaml = rule("r",
                          "  a:\n    Image|endswith: '\\cmd.exe'\n"
                          "  b:\n    CommandLine|contains: ['xyzzy', 'plugh']\n"
                          "  condition: a and b\n");
  for (int i = 0; i < 3; ++i) {
    yaml += "---\n" + rule("other" + std::to_string(i),
                           "  sel:\n    Image|endswith: '\\cmd.exe'\n  condition: sel\n");
  }
  auto loaded = load_rules_from_text(yaml, "inline.yml", {});
  ASSERT_EQ(loaded.rules.size(), 4u);
  LiteralWeights weights;
  for (const auto& r : loaded.rules) weights.add(*r);
  EXPECT_EQ(weights.weight("\\cmd.exe"), 4u);
  EXPECT_EQ(weights.weight("xyzzy"), 1u);
  EXPECT_EQ(weights.weight("never seen"), 1u);
  const auto literals = [](const std::vector<SlotLiteral>& clause) {
    std::vector<std::string> out;
    for (const auto& l : clause) out.emplace_back(l.pattern->required_literal());
    return out;
  };
  const auto weighted = rule_gate(*loaded.rules[0], weights);
  ASSERT_TRUE(weighted.has_value());
  ASSERT_EQ(weighted->size(), 2u);
  EXPECT_EQ(literals((*weighted)[0]), (std::vector<std::string>{"xyzzy", "plugh"}));
  EXPECT_EQ(literals((*weighted)[1]), std::vector<std::string>{"\\cmd.exe"});
  const auto uniform = rule_gate(*loaded.rules[0], LiteralWeights{});
  ASSERT_TRUE(uniform.has_value());
  EXPECT_EQ(literals((*uniform)[0]), std::vector<std::string>{"\\cmd.exe"});
  BothWays r(yaml);
  EXPECT_EQ(r.fired(R"({"Image": "c:\\CMD.exe", "CommandLine": "say PLUGH"})"),
            (std::vector<std::string>{"r", "other0", "other1", "other2"}));
  EXPECT_EQ(r.fired(R"({"Image": "c:\\x.exe", "CommandLine": "say PLUGH"})"),
            std::vector<std::string>{});
}

}  // namespace
}  // namespace vigil::sigma::testing
