// Compiles one rule value with its field modifiers into a ValueMatcher, or
// says exactly why the combination is not valid Sigma.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "detect/rule.h"

namespace vigil::sigma {

// A scalar from the rule's YAML, with what YAML said about its type: a plain
// `4688` is a number, a quoted `'0x3e7'` is always a string.
struct RuleValue {
  enum class Type { kString, kInteger, kFloat, kBool, kNull };
  Type type = Type::kString;
  std::string text;
};

struct Modifiers {
  enum class Position { kWhole, kContains, kStartsWith, kEndsWith };
  enum class Compare { kNone, kLt, kLte, kGt, kGte };
  Position position = Position::kWhole;
  Compare compare = Compare::kNone;
  bool all = false, re = false, re_i = false, re_m = false, re_s = false;
  bool cased = false, cidr = false, exists = false, fieldref = false, expand = false;
  bool base64 = false, base64offset = false;
  std::vector<std::string> transforms;  // windash, wide, utf16*, base64, base64offset in order
};

// Parses `contains|all|windash`; an unknown or contradictory modifier is an
// error that names it.
Result<Modifiers> parse_modifiers(const std::vector<std::string>& names);

struct MatcherOptions {
  // `expand` placeholders (`%name%`) and the values they stand for.
  const std::map<std::string, std::vector<std::string>>* placeholders = nullptr;
  // Interns a referenced field name (fieldref) to a rule slot.
  std::function<int(const std::string&)> slot_of;
};

Result<std::shared_ptr<const ValueMatcher>> compile_value(const Modifiers& mods,
                                                          const RuleValue& value,
                                                          const MatcherOptions& options);

// A test's values (OR) with those that must equal, start or end the text
// (no other wildcard, not `cased`) merged into one matcher that looks the
// text up once, when there are at least kMinLiteralSet of them; the others
// are kept as they are. The same answer, and the same patterns screened.
inline constexpr size_t kMinLiteralSet = 4;
std::vector<std::shared_ptr<const ValueMatcher>> merge_anchored_literals(
    std::vector<std::shared_ptr<const ValueMatcher>> values);

// The `|re` values of one test, any of which may match, as one regular
// expression (`(?:a)|(?:b)|...`): one pass over the text instead of one per
// value, the same answer. Each pattern must already have compiled alone.
Result<std::shared_ptr<const ValueMatcher>> compile_regex_alternation(
    const Modifiers& mods, const std::vector<std::string>& patterns);

}  // namespace vigil::sigma
