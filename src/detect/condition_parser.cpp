#include "detect/condition_parser.h"

#include <cctype>

namespace vigil::sigma {
namespace {

using Op = ConditionNode::Op;

constexpr const char* kAggregation =
    "aggregation expression ('| count() ...') is Sigma 1.x syntax; use a correlation rule";

std::vector<std::string> tokenize(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '(' || c == ')' || c == '|') {
      out.emplace_back(1, c);
      ++i;
    } else {
      size_t j = i;
      while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j])) &&
             text[j] != '(' && text[j] != ')' && text[j] != '|') {
        ++j;
      }
      out.emplace_back(text.substr(i, j - i));
      i = j;
    }
  }
  return out;
}

bool lower_equals(const std::string& a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
  }
  return true;
}

// `sel*` matches identifiers by glob on `*`; identifiers starting with `_`
// are left out of `them` and of patterns that do not start with `_`.
bool name_matches(std::string_view pattern, std::string_view name) {
  if (pattern.empty()) return name.empty();
  if (pattern[0] == '*') {
    for (size_t k = 0; k <= name.size(); ++k) {
      if (name_matches(pattern.substr(1), name.substr(k))) return true;
    }
    return false;
  }
  return !name.empty() && pattern[0] == name[0] && name_matches(pattern.substr(1), name.substr(1));
}

class Parser {
 public:
  Parser(std::vector<std::string> tokens, const std::vector<std::string>& ids)
      : t_(std::move(tokens)), ids_(ids) {}

  Result<ConditionNode> parse() {
    auto node = parse_or();
    if (!node) return node;
    if (pos_ != t_.size() && t_[pos_] == "|") return fail(kAggregation);
    if (pos_ != t_.size()) return fail("unexpected '" + t_[pos_] + "'");
    return node;
  }

 private:
  tl::unexpected<Error> fail(const std::string& why) const {
    return make_error(ErrorCode::kConfig, "condition: " + why);
  }
  bool at(std::string_view word) const { return pos_ < t_.size() && lower_equals(t_[pos_], word); }

  Result<ConditionNode> parse_or() { return parse_chain("or", Op::kOr, &Parser::parse_and); }
  Result<ConditionNode> parse_and() { return parse_chain("and", Op::kAnd, &Parser::parse_not); }

  Result<ConditionNode> parse_chain(std::string_view word, Op op,
                                    Result<ConditionNode> (Parser::*next)()) {
    auto first = (this->*next)();
    if (!first || !at(word)) return first;
    ConditionNode node{op, {}, {std::move(*first)}};
    while (at(word)) {
      ++pos_;
      auto more = (this->*next)();
      if (!more) return more;
      node.children.push_back(std::move(*more));
    }
    return node;
  }

  Result<ConditionNode> parse_not() {
    if (!at("not")) return parse_primary();
    ++pos_;
    auto inner = parse_not();
    if (!inner) return inner;
    return ConditionNode{Op::kNot, {}, {std::move(*inner)}};
  }

  Result<ConditionNode> parse_primary() {
    if (pos_ >= t_.size()) return fail("ends too early");
    const std::string& tok = t_[pos_];
    if (tok == "|") {
      return fail(kAggregation);
    }
    if (tok == "(") {
      ++pos_;
      auto inner = parse_or();
      if (!inner) return inner;
      if (!at(")")) return fail("missing ')'");
      ++pos_;
      return inner;
    }
    if (tok == ")") return fail("unexpected ')'");
    if (lower_equals(tok, "near")) return fail("'near' is not supported (Sigma 1.x syntax)");
    if (tok == "1" || lower_equals(tok, "all") || lower_equals(tok, "any"))
      return parse_quantifier();
    return parse_reference(tok);
  }

  Result<ConditionNode> parse_quantifier() {
    const bool all = lower_equals(t_[pos_], "all");
    ++pos_;
    if (!at("of")) return fail("expected 'of' after '" + t_[pos_ - 1] + "'");
    ++pos_;
    if (pos_ >= t_.size()) return fail("missing identifier after 'of'");
    const std::string target = t_[pos_++];
    ConditionNode node{all ? Op::kAllOf : Op::kOneOf, {}, {}};
    const bool them = lower_equals(target, "them");
    for (size_t i = 0; i < ids_.size(); ++i) {
      const bool hidden = !ids_[i].empty() && ids_[i][0] == '_' && (them || target[0] != '_');
      if (hidden) continue;
      if (them || name_matches(target, ids_[i])) node.refs.push_back(static_cast<int>(i));
    }
    if (node.refs.empty()) return fail("no detection identifier matches '" + target + "'");
    return node;
  }

  Result<ConditionNode> parse_reference(const std::string& name) {
    ++pos_;
    const bool call = at("(");
    if (call &&
        (name == "count" || name == "sum" || name == "min" || name == "max" || name == "avg")) {
      return fail(kAggregation);
    }
    for (size_t i = 0; i < ids_.size(); ++i) {
      if (ids_[i] == name) return ConditionNode{Op::kRef, {static_cast<int>(i)}, {}};
    }
    return fail("unknown detection identifier '" + name + "'");
  }

  std::vector<std::string> t_;
  const std::vector<std::string>& ids_;
  size_t pos_ = 0;
};

}  // namespace

Result<ConditionNode> parse_condition(std::string_view text,
                                      const std::vector<std::string>& identifiers) {
  return Parser(tokenize(text), identifiers).parse();
}

}  // namespace vigil::sigma
