#include "detect/matchers.h"

#include <re2/filtered_re2.h>
#include <re2/re2.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <optional>

#include "core/key_table.h"
#include "detect/anchored_literals.h"
#include "detect/cidr.h"
#include "detect/literal_prefilter.h"
#include "detect/regex_class_run.h"
#include "detect/regex_length.h"
#include "detect/string_pattern.h"
#include "detect/text_fold.h"

namespace vigil::sigma {
namespace {

using Position = Modifiers::Position;
using Compare = Modifiers::Compare;

class AnyOf final : public ValueMatcher {
 public:
  explicit AnyOf(std::vector<std::shared_ptr<const ValueMatcher>> m) : m_(std::move(m)) {}
  bool matches(const Subject& s, const EvalContext& ctx) const override {
    for (const auto& m : m_) {
      if (m->matches(s, ctx)) return true;
    }
    return false;
  }
  bool screened_patterns(std::vector<const StringPattern*>& out) const override {
    bool all = true;
    for (const auto& m : m_) all = m->screened_patterns(out) && all;
    return all;
  }
  void evaluation_screens(std::vector<const StringPattern*>& out) const override {
    for (const auto& m : m_) m->evaluation_screens(out);
  }
  void footprint(std::vector<const void*>& out) const override {
    add_footprint(m_.data(), m_.size() * sizeof(m_[0]), out);
    for (const auto& m : m_) add_matcher_footprint(*m, out);
  }

 private:
  std::vector<std::shared_ptr<const ValueMatcher>> m_;
};

class StringMatcher final : public ValueMatcher {
 public:
  explicit StringMatcher(StringPattern p) : p_(std::move(p)) {}
  bool matches(const Subject& s, const EvalContext& ctx) const override {
    if (!s.has_text()) return false;
    if (ctx.literals != nullptr) {
      const auto screen = ctx.literals->screen(s, p_);
      if (screen == LiteralScan::Screen::kAbsent) return false;
      if (screen == LiteralScan::Screen::kFound && p_.is_substring()) return true;
    }
    return p_.matches(p_.cased() ? s.raw() : s.folded());
  }
  void footprint(std::vector<const void*>& out) const override { p_.footprint(out); }
  bool screened_patterns(std::vector<const StringPattern*>& out) const override {
    if (p_.cased() || p_.required_literal().empty()) return false;
    out.push_back(&p_);
    return true;
  }
  // A value a LiteralSet can hold: the whole folded text, or its start or
  // end, equals a literal.
  bool is_anchored_literal() const {
    return !p_.cased() && !p_.required_literal().empty() &&
           (p_.is_whole_text() || p_.is_prefix() || p_.is_suffix());
  }
  const StringPattern& pattern() const { return p_; }

 private:
  StringPattern p_;
};

// A test's values that each must equal, start or end the text (SigmaHQ's
// `Image|endswith:` lists of 20-55 binaries, `OriginalFileName:` lists),
// as one matcher: a hash lookup and two trie walks over the folded text
// instead of a call, a prefilter bit and a comparison per value. The
// values' patterns stay what the prefilter screens and gates are built
// from (screened_patterns), the same as when they were apart.
class LiteralSet final : public ValueMatcher {
 public:
  explicit LiteralSet(std::vector<std::shared_ptr<const StringMatcher>> members)
      : members_(std::move(members)) {
    for (const auto& m : members_) {
      const StringPattern& p = m->pattern();
      const std::string_view literal = p.required_literal();
      if (p.is_whole_text()) {
        whole_.insert(0, literal, 0);
      } else if (p.is_prefix()) {
        prefixes_.add(literal, 0);
      } else {
        suffixes_.add(literal, 0);
      }
    }
    prefixes_.freeze();
    suffixes_.freeze();
  }
  bool matches(const Subject& s, const EvalContext&) const override {
    if (!s.has_text()) return false;
    const std::string_view text = s.folded();
    if (whole_.find(0, text) != KeyTable::kAbsent) return true;
    bool found = false;
    const auto hit = [&](uint32_t) { found = true; };
    prefixes_.for_each_match(text, hit);
    if (!found) suffixes_.for_each_match(text, hit);
    return found;
  }
  bool screened_patterns(std::vector<const StringPattern*>& out) const override {
    for (const auto& m : members_) m->screened_patterns(out);
    return true;
  }
  // matches() looks the text up itself: the members' bits are never read.
  void evaluation_screens(std::vector<const StringPattern*>&) const override {}
  void footprint(std::vector<const void*>& out) const override {
    add_footprint(this, sizeof *this, out);
    prefixes_.footprint(out);
    suffixes_.footprint(out);
  }

 private:
  std::vector<std::shared_ptr<const StringMatcher>> members_;
  KeyTable whole_;
  AnchoredLiterals prefixes_{AnchoredLiterals::Anchor::kStart};
  AnchoredLiterals suffixes_{AnchoredLiterals::Anchor::kEnd};
};

// A regex is screened through its prefilter atoms (RE2's FilteredRE2):
// literals, lower-cased, of which at least one occurs in any text the regex
// matches (their AND/OR tree decides). Each atom is a `*atom*` pattern for
// the Hyperscan stage; RE2 runs only when the atoms found pass the tree.
class RegexMatcher final : public ValueMatcher {
 public:
  explicit RegexMatcher(std::unique_ptr<RE2> re)
      : re_(std::move(re)),
        min_length_(regex_min_length(re_->pattern())),
        run_(required_run(*re_)) {
    compile_prefilter();
  }
  bool matches(const Subject& s, const EvalContext& ctx) const override {
    if (!s.has_text() || s.raw().size() < min_length_) return false;
    if (ctx.literals != nullptr && !atoms_.empty() && !passes_prefilter(s, *ctx.literals)) {
      return false;
    }
    const std::string_view raw = s.raw();
    if (run_ && !run_->found_in(raw)) return false;
    return RE2::PartialMatch(re2::StringPiece(raw.data(), raw.size()), regex());
  }
  // The regex object and the atoms' patterns (not RE2's compiled program).
  void footprint(std::vector<const void*>& out) const override {
    add_footprint(this, sizeof *this, out);
    add_footprint(&regex(), sizeof(RE2), out);
    add_footprint(atoms_.data(), atoms_.size() * sizeof(StringPattern), out);
    for (const auto& a : atoms_) a.footprint(out);
  }
  bool screened_patterns(std::vector<const StringPattern*>& out) const override {
    if (atoms_.empty()) return false;
    for (const auto& a : atoms_) out.push_back(&a);
    return true;
  }
  // The longest atom the filter cannot pass without (for
  // `\.exe.*werfaultsecure\.exe` the second, where the union of both opens
  // on every `.exe`). When none is longer than kShortLiteral bytes and the
  // filter's answers are tabulated, every minimal clause, of which the gate
  // keeps the lightest (for the Raspberry Robin rule the dot-quote pairs,
  // not `\`); else the union. Which of several long clauses opens least
  // depends on the events (`invoke` or `set` in PowerShell logs): the
  // longest required atom is kept then, as it was.
  std::vector<std::vector<const StringPattern*>> gate_clauses() const override {
    const StringPattern* longest = longest_required_atom();
    if (longest != nullptr && longest->required_literal().size() > kShortLiteral) {
      return {{longest}};
    }
    if (!tabulated_clauses_.empty()) return clauses_of(tabulated_clauses_);
    if (longest != nullptr) return {{longest}};
    return ValueMatcher::gate_clauses();
  }

 private:
  // A run shorter than kMinClassRun is in most texts of a class that
  // common (`[a-z]{3}`): looking for it would only add to RE2's work.
  // Null when there is none (a run is 264 bytes, most regexes have none).
  static std::unique_ptr<const ClassRun> required_run(const RE2& re) {
    ClassRun run = regex_class_run(re.pattern(), re.options().case_sensitive());
    if (run.length < kMinClassRun) return nullptr;
    return std::make_unique<const ClassRun>(run);
  }
  static constexpr size_t kMinClassRun = 8;

  // The filter compiles its own copy of the regex (the same pattern and
  // options); matching uses that copy and ours goes, which halves what the
  // compiled regexes hold (13 MB of a default replay's peak heap).
  const RE2& regex() const { return re_ ? *re_ : filter_->GetRE2(0); }

  // Atoms of 3 bytes or more screen best; a regex with none may still
  // require a short one no common text has (`\w+`\w+`: a backquote), and
  // a gate on it beats running the regex on every event of its log source.
  void compile_prefilter() {
    const std::string pattern = re_->pattern();
    const RE2::Options options = re_->options();
    std::vector<std::string> atoms;
    for (const int min_atom_length : {3, 1}) {
      auto filter = std::make_unique<re2::FilteredRE2>(min_atom_length);
      int id = 0;
      if (filter->Add(pattern, options, &id) != RE2::NoError) return;
      atoms.clear();
      filter->Compile(&atoms);
      filter_ = std::move(filter);
      re_.reset();
      if (!atoms.empty()) break;
    }
    // The atoms are lower-cased by RE2's rules; the scanned text is folded
    // by vigil's. They agree on ASCII only.
    for (const auto& a : atoms) {
      const bool ascii = std::all_of(a.begin(), a.end(),
                                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
      if (a.empty() || !ascii) return;
    }
    for (const auto& a : atoms) {
      SigmaString contains = SigmaString::literal(a);
      contains.prepend_star();
      contains.append_star();
      atoms_.emplace_back(contains, false);
    }
    find_required_atoms();
    tabulate_prefilter();
  }
  // The filter's AND/OR tree over atoms is monotone: when it fails with
  // every atom but one found, it fails whenever that one is absent.
  void find_required_atoms() {
    std::vector<int> others;
    for (size_t i = 0; i < atoms_.size(); ++i) {
      others.clear();
      for (size_t j = 0; j < atoms_.size(); ++j) {
        if (j != i) others.push_back(static_cast<int>(j));
      }
      if (!filter_passes(others)) required_atoms_.push_back(i);
    }
  }
  // Whether the atoms in `found` (indices into atoms_) pass the filter's tree.
  bool filter_passes(const std::vector<int>& found) const {
    thread_local std::vector<int> potential;
    filter_->AllPotentials(found, &potential);
    return !potential.empty();
  }
  // AllPotentials costs ~1.8 k instructions a call (it copies and walks the
  // filter's tree): with few atoms, every answer is asked once here and
  // looked up by the set of atoms found.
  void tabulate_prefilter() {
    if (atoms_.size() > kTabulatedAtoms) return;
    std::vector<int> found;
    for (uint32_t set = 0; set < (uint32_t{1} << atoms_.size()); ++set) {
      found.clear();
      for (size_t i = 0; i < atoms_.size(); ++i) {
        if ((set >> i) & 1) found.push_back(static_cast<int>(i));
      }
      if (!found.empty() && filter_passes(found)) passing_sets_ |= uint64_t{1} << set;
    }
    find_tabulated_clauses();
  }
  const StringPattern* longest_required_atom() const {
    const StringPattern* longest = nullptr;
    for (size_t i : required_atoms_) {
      if (longest == nullptr ||
          atoms_[i].required_literal().size() > longest->required_literal().size())
        longest = &atoms_[i];
    }
    return longest;
  }
  std::vector<std::vector<const StringPattern*>> clauses_of(
      const std::vector<uint32_t>& sets) const {
    std::vector<std::vector<const StringPattern*>> clauses;
    for (uint32_t set : sets) {
      auto& clause = clauses.emplace_back();
      for (size_t i = 0; i < atoms_.size(); ++i) {
        if ((set >> i) & 1) clause.push_back(&atoms_[i]);
      }
    }
    return clauses;
  }
  // Any set of atoms whose absence fails the filter is a clause: for
  // `\\\w+\.\w+\.[ "']` (SigmaHQ's Raspberry Robin rule) `\`, `.`, or one of
  // `. `, `."`, `.'`. The minimal ones (no atom can be left out) are kept,
  // in increasing size.
  void find_tabulated_clauses() {
    const uint32_t all = (uint32_t{1} << atoms_.size()) - 1;
    std::vector<uint32_t> sets(all);
    for (uint32_t set = 1; set <= all; ++set) sets[set - 1] = set;
    std::stable_sort(sets.begin(), sets.end(),
                     [](uint32_t a, uint32_t b) { return std::popcount(a) < std::popcount(b); });
    for (uint32_t set : sets) {
      const bool blocks = ((passing_sets_ >> (all & ~set)) & 1) == 0;
      const bool minimal = std::none_of(tabulated_clauses_.begin(), tabulated_clauses_.end(),
                                        [&](uint32_t c) { return (c & set) == c; });
      if (blocks && minimal) tabulated_clauses_.push_back(set);
    }
  }
  bool passes_prefilter(const Subject& s, LiteralScan& literals) const {
    thread_local std::vector<int> found;
    found.clear();
    for (size_t i = 0; i < atoms_.size(); ++i) {
      if (literals.screen(s, atoms_[i]) != LiteralScan::Screen::kAbsent)
        found.push_back(static_cast<int>(i));
    }
    if (atoms_.size() > kTabulatedAtoms) return !found.empty() && filter_passes(found);
    uint32_t set = 0;
    for (int i : found) set |= 1u << i;
    return (passing_sets_ >> set) & 1;
  }

  // Up to this many atoms the filter's answers are a table (2^6 bits).
  static constexpr size_t kTabulatedAtoms = 6;

  std::unique_ptr<RE2> re_;                   // only when the filter refused it
  size_t min_length_;                         // no shorter text can match
  std::unique_ptr<const ClassRun> run_;       // every match holds such a run
  std::unique_ptr<re2::FilteredRE2> filter_;  // holds the regex matched with
  std::vector<StringPattern> atoms_;
  std::vector<size_t> required_atoms_;  // indices into atoms_
  // Bit `set` is on when the atoms of `set` (bit i: atoms_[i]) pass the
  // filter; only with at most kTabulatedAtoms atoms.
  uint64_t passing_sets_ = 0;
  std::vector<uint32_t> tabulated_clauses_;  // each a set of atoms (bit i: atoms_[i])
};

bool parse_number(std::string_view text, double& out) {
  text = text.substr(0, text.find_last_not_of(" \t") + 1);
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return false;
  text.remove_prefix(first);
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

bool subject_number(const Subject& s, double& out) {
  const Value* v = s.value();
  if (v == nullptr) return false;
  if (v->is_number()) {
    out = v->number();
    return true;
  }
  return v->is_string() && parse_number(v->as_string(), out);
}

// A plain YAML number: equal to the event's number, or to its decimal text.
class NumberMatcher final : public ValueMatcher {
 public:
  NumberMatcher(double n, std::string text) : n_(n), text_(std::move(text)) {
    if (is_canonical_integer()) as_text_.emplace(SigmaString::literal(text_), false);
  }
  bool matches(const Subject& s, const EvalContext&) const override {
    const Value* v = s.value();
    if (v == nullptr) return false;
    if (v->is_number()) return v->number() == n_;
    return v->is_string() && v->as_string() == text_;
  }
  // `EventID: 4688` is screened as the whole text "4688" (a hash lookup),
  // so the many rules whose only test is an event id (nearly all of them
  // on Security and Sysmon channels) get a gate and are not evaluated on
  // every event of their channel. Exact only where the event's text of every
  // value that equals n_ is text_: a nonzero integer below 10^15 written in
  // plain decimal (Subject writes such a number, even a double, the same
  // way; "-0", "1e3" or "04688" would not be).
  bool screened_patterns(std::vector<const StringPattern*>& out) const override {
    if (!as_text_) return false;
    out.push_back(&*as_text_);
    return true;
  }
  // matches() compares the number: the text only opens the rule's gate.
  void evaluation_screens(std::vector<const StringPattern*>&) const override {}

 private:
  bool is_canonical_integer() const {
    if (n_ == 0 || std::abs(n_) >= 1e15 || std::trunc(n_) != n_) return false;
    return text_ == std::to_string(static_cast<long long>(n_));
  }

  double n_;
  std::string text_;
  std::optional<StringPattern> as_text_;
};

class CompareMatcher final : public ValueMatcher {
 public:
  CompareMatcher(Compare op, double n) : op_(op), n_(n) {}
  bool matches(const Subject& s, const EvalContext&) const override {
    double x = 0;
    if (!subject_number(s, x)) return false;
    switch (op_) {
      case Compare::kLt:
        return x < n_;
      case Compare::kLte:
        return x <= n_;
      case Compare::kGt:
        return x > n_;
      case Compare::kGte:
        return x >= n_;
      case Compare::kNone:
        break;
    }
    return false;
  }

 private:
  Compare op_;
  double n_;
};

class BoolMatcher final : public ValueMatcher {
 public:
  explicit BoolMatcher(bool b) : b_(b) {}
  bool matches(const Subject& s, const EvalContext&) const override {
    const Value* v = s.value();
    if (v == nullptr) return false;
    if (v->is_bool()) return v->as_bool() == b_;
    return s.has_text() && s.folded() == (b_ ? "true" : "false");
  }

 private:
  bool b_;
};

class NullMatcher final : public ValueMatcher {
 public:
  bool matches(const Subject& s, const EvalContext&) const override {
    return s.value() == nullptr || s.value()->is_null();
  }
};

class ExistsMatcher final : public ValueMatcher {
 public:
  explicit ExistsMatcher(bool want) : want_(want) {}
  bool matches(const Subject& s, const EvalContext&) const override {
    return (s.value() != nullptr) == want_;
  }

 private:
  bool want_;
};

class CidrMatcher final : public ValueMatcher {
 public:
  explicit CidrMatcher(Cidr c) : c_(c) {}
  bool matches(const Subject& s, const EvalContext&) const override {
    return s.has_text() && c_.contains(s.raw());
  }

 private:
  Cidr c_;
};

// The field's value compared with another field's value of the same event.
class FieldRefMatcher final : public ValueMatcher {
 public:
  FieldRefMatcher(int slot, Position pos, bool cased) : slot_(slot), pos_(pos), cased_(cased) {}
  bool matches(const Subject& s, const EvalContext& ctx) const override {
    if (!s.has_text()) return false;
    const int id = ctx.slot_ids[static_cast<size_t>(slot_)];
    if (id < 0 || ctx.fields.value(id) == nullptr) return false;
    const Subject& other = ctx.fields.subject(id);
    if (!other.has_text()) return false;
    const std::string_view a = cased_ ? s.raw() : s.folded();
    const std::string_view b = cased_ ? other.raw() : other.folded();
    switch (pos_) {
      case Position::kWhole:
        return a == b;
      case Position::kContains:
        return a.find(b) != std::string_view::npos;
      case Position::kStartsWith:
        return a.starts_with(b);
      case Position::kEndsWith:
        return a.ends_with(b);
    }
    return false;
  }

 private:
  int slot_;
  Position pos_;
  bool cased_;
};

}  // namespace

namespace {

Result<Modifiers> check_combinations(Modifiers m, const std::vector<std::string>& names) {
  const bool positioned = m.position != Position::kWhole;
  if (m.re && (positioned || !m.transforms.empty())) {
    return make_error(
        ErrorCode::kConfig,
        "modifier 're' cannot be combined with " +
            std::string(positioned ? "contains/startswith/endswith" : m.transforms.front()));
  }
  if ((m.re_i || m.re_m || m.re_s) && !m.re) {
    return make_error(ErrorCode::kConfig, "regex flag modifiers i/m/s need 're'");
  }
  if (m.base64offset && m.position != Position::kContains) {
    return make_error(ErrorCode::kConfig, "modifier 'base64offset' needs 'contains'");
  }
  const int kinds = int(m.re) + int(m.cidr) + int(m.compare != Compare::kNone) + int(m.exists) +
                    int(m.fieldref && !positioned);
  if (kinds > 1) {
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : "|") + n;
    return make_error(ErrorCode::kConfig, "contradictory modifiers '" + list + "'");
  }
  return m;
}

}  // namespace

Result<Modifiers> parse_modifiers(const std::vector<std::string>& names) {
  Modifiers m;
  const auto set_position = [&](Position p) { m.position = p; };
  for (const auto& n : names) {
    if (n == "contains")
      set_position(Position::kContains);
    else if (n == "startswith")
      set_position(Position::kStartsWith);
    else if (n == "endswith")
      set_position(Position::kEndsWith);
    else if (n == "all")
      m.all = true;
    else if (n == "re")
      m.re = true;
    else if (n == "i" || n == "ignorecase")
      m.re_i = true;
    else if (n == "m" || n == "multiline")
      m.re_m = true;
    else if (n == "s" || n == "dotall")
      m.re_s = true;
    else if (n == "cased")
      m.cased = true;
    else if (n == "cidr")
      m.cidr = true;
    else if (n == "exists")
      m.exists = true;
    else if (n == "fieldref")
      m.fieldref = true;
    else if (n == "expand")
      m.expand = true;
    else if (n == "lt")
      m.compare = Compare::kLt;
    else if (n == "lte")
      m.compare = Compare::kLte;
    else if (n == "gt")
      m.compare = Compare::kGt;
    else if (n == "gte")
      m.compare = Compare::kGte;
    else if (n == "base64" || n == "base64offset" || n == "windash" || n == "wide" ||
             n == "utf16le" || n == "utf16be" || n == "utf16") {
      m.transforms.push_back(n);
      if (n == "base64") m.base64 = true;
      if (n == "base64offset") m.base64offset = true;
    } else {
      return make_error(ErrorCode::kConfig, "unsupported modifier '" + n + "'");
    }
  }
  return check_combinations(std::move(m), names);
}

namespace {

using Matcher = std::shared_ptr<const ValueMatcher>;

constexpr int kLargeProgram = 1000;
constexpr int64_t kLargeProgramMemory = int64_t{32} << 20;

Result<Matcher> compile_regex(const Modifiers& mods, const std::string& pattern) {
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_case_sensitive(!mods.re_i);
  opts.set_dot_nl(mods.re_s);
  opts.set_never_nl(false);
  const std::string full = (mods.re_m ? "(?m)" : "") + pattern;
  auto re = std::make_unique<RE2>(full, opts);
  if (!re->ok()) {
    return make_error(ErrorCode::kConfig,
                      "regular expression not supported by RE2 (" + re->error() + "): " + pattern);
  }
  if (re->ProgramSize() > kLargeProgram) {
    // A large program (`.{1000,}` is 8,000 instructions) has DFA states too
    // big for RE2's default budget: the DFA gives up on every long text and
    // RE2 falls back to its NFA, ~10^4 times slower (35 ms for a 1,500-byte
    // command line). The budget is a cap; states are built as texts need them.
    opts.set_max_mem(kLargeProgramMemory);
    re = std::make_unique<RE2>(full, opts);
  }
  return std::make_shared<RegexMatcher>(std::move(re));
}

Result<std::vector<SigmaString>> apply_transform(const std::string& t,
                                                 std::vector<SigmaString> in) {
  std::vector<SigmaString> out;
  for (auto& s : in) {
    if (t == "windash") {
      for (auto& v : expand_windash(s)) out.push_back(std::move(v));
    } else if (t == "wide" || t == "utf16le") {
      out.push_back(encode_utf16(s, Utf16::kLittleEndian));
    } else if (t == "utf16be") {
      out.push_back(encode_utf16(s, Utf16::kBigEndian));
    } else if (t == "utf16") {
      out.push_back(encode_utf16(s, Utf16::kWithBom));
    } else if (s.has_wildcards()) {
      return make_error(ErrorCode::kConfig, "modifier '" + t + "' on a value with wildcards");
    } else if (t == "base64") {
      out.push_back(SigmaString::literal(base64_encode(s.text())));
    } else {
      for (auto& v : base64_offsets(s.text())) out.push_back(SigmaString::literal(v));
    }
  }
  return out;
}

void apply_position(Position p, SigmaString& s) {
  if (p == Position::kContains || p == Position::kEndsWith) s.prepend_star();
  if (p == Position::kContains || p == Position::kStartsWith) s.append_star();
}

Result<std::vector<std::string>> expand_placeholders(const std::string& text,
                                                     const MatcherOptions& o) {
  const auto open = text.find('%');
  const auto close = open == std::string::npos ? open : text.find('%', open + 1);
  if (close == std::string::npos) return std::vector<std::string>{text};
  const std::string name = text.substr(open + 1, close - open - 1);
  if (o.placeholders == nullptr || !o.placeholders->contains(name)) {
    return make_error(ErrorCode::kConfig,
                      "placeholder '%" + name + "%' has no value in the configuration (expand)");
  }
  std::vector<std::string> out;
  for (const auto& v : o.placeholders->at(name)) {
    auto rest = expand_placeholders(text.substr(close + 1), o);
    if (!rest) return rest;
    for (const auto& r : *rest) out.push_back(text.substr(0, open) + v + r);
  }
  return out;
}

Result<Matcher> compile_strings(const Modifiers& mods, const std::vector<std::string>& texts) {
  std::vector<SigmaString> values;
  for (const auto& t : texts) values.push_back(SigmaString::parse(t));
  for (const auto& t : mods.transforms) {
    auto next = apply_transform(t, std::move(values));
    if (!next) return tl::unexpected(next.error());
    values = std::move(*next);
  }
  std::vector<Matcher> matchers;
  for (auto& v : values) {
    apply_position(mods.position, v);
    matchers.push_back(std::make_shared<StringMatcher>(StringPattern(v, mods.cased)));
  }
  if (matchers.size() == 1) return matchers.front();
  return std::make_shared<AnyOf>(std::move(matchers));
}

Result<Matcher> compile_special(const Modifiers& mods, const RuleValue& v,
                                const MatcherOptions& o) {
  if (mods.exists) {
    if (v.type != RuleValue::Type::kBool) {
      return make_error(ErrorCode::kConfig, "modifier 'exists' needs true or false");
    }
    return std::make_shared<ExistsMatcher>(v.text == "true");
  }
  if (mods.compare != Compare::kNone) {
    double n = 0;
    if (!parse_number(v.text, n)) {
      return make_error(ErrorCode::kConfig,
                        "comparison modifier needs a number, got '" + v.text + "'");
    }
    return std::make_shared<CompareMatcher>(mods.compare, n);
  }
  if (mods.cidr) {
    auto c = Cidr::parse(v.text);
    if (!c) return make_error(ErrorCode::kConfig, "invalid CIDR network '" + v.text + "'");
    return std::make_shared<CidrMatcher>(*c);
  }
  if (mods.fieldref) {
    return std::make_shared<FieldRefMatcher>(o.slot_of(v.text), mods.position, mods.cased);
  }
  return compile_regex(mods, v.text);
}

}  // namespace

Result<std::shared_ptr<const ValueMatcher>> compile_regex_alternation(
    const Modifiers& mods, const std::vector<std::string>& patterns) {
  std::string alternation;
  for (const auto& p : patterns) {
    if (!alternation.empty()) alternation += '|';
    alternation.append("(?:").append(p).append(")");
  }
  return compile_regex(mods, alternation);
}

std::vector<std::shared_ptr<const ValueMatcher>> merge_anchored_literals(
    std::vector<std::shared_ptr<const ValueMatcher>> values) {
  std::vector<std::shared_ptr<const StringMatcher>> anchored;
  for (const auto& v : values) {
    auto m = std::dynamic_pointer_cast<const StringMatcher>(v);
    if (m && m->is_anchored_literal()) anchored.push_back(std::move(m));
  }
  if (anchored.size() < kMinLiteralSet) return values;
  std::vector<std::shared_ptr<const ValueMatcher>> out;
  for (auto& v : values) {
    const auto* m = dynamic_cast<const StringMatcher*>(v.get());
    if (m == nullptr || !m->is_anchored_literal()) out.push_back(std::move(v));
  }
  out.push_back(std::make_shared<LiteralSet>(std::move(anchored)));
  return out;
}

Result<std::shared_ptr<const ValueMatcher>> compile_value(const Modifiers& mods, const RuleValue& v,
                                                          const MatcherOptions& o) {
  if (mods.exists || mods.compare != Compare::kNone || mods.cidr || mods.fieldref || mods.re) {
    return compile_special(mods, v, o);
  }
  const bool plain = mods.transforms.empty() && mods.position == Position::kWhole;
  if (v.type == RuleValue::Type::kNull) return std::make_shared<NullMatcher>();
  if (plain && v.type == RuleValue::Type::kBool)
    return std::make_shared<BoolMatcher>(v.text == "true");
  if (plain && (v.type == RuleValue::Type::kInteger || v.type == RuleValue::Type::kFloat)) {
    double n = 0;
    if (parse_number(v.text, n)) return std::make_shared<NumberMatcher>(n, v.text);
  }
  std::vector<std::string> texts{v.text};
  if (mods.expand) {
    auto expanded = expand_placeholders(v.text, o);
    if (!expanded) return tl::unexpected(expanded.error());
    texts = std::move(*expanded);
  }
  return compile_strings(mods, texts);
}

}  // namespace vigil::sigma
