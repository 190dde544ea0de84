// rule_gate: from a rule's condition, up to kMaxGateClauses clauses, each a
// set of screened literals at least one of which must occur for the rule to
// match. nullopt means no such clause: the rule is always evaluated. Every
// step only ever keeps necessary conditions, so a gate never hides a match:
//   a AND b      -> the clauses of both (the lightest kMaxGateClauses kept)
//   a OR b       -> unions of a clause of each side, the lightest
//                   kMaxGateClauses of them (none if either side has none)
//   NOT a        -> none (a literal's absence can make it true)
// A clause weighs the sum of its literals' weights (LiteralWeights): the
// lightest is the one expected to open least often, and it comes first
// (the clause whose opening makes match() visit the rule).
#include <algorithm>

#include "detect/literal_prefilter.h"

namespace vigil::sigma {
namespace {

using Clause = std::vector<SlotLiteral>;
using Gate = std::optional<std::vector<Clause>>;

size_t weight(const Clause& c) {
  size_t w = 0;
  for (const auto& l : c) w += l.weight;
  return w;
}

bool lighter(const Clause& x, const Clause& y) {
  return weight(x) < weight(y);
}

// Both sides must hold: every clause of either is necessary.
Gate both(Gate a, Gate b) {
  if (!a) return b;
  if (!b) return a;
  for (auto& c : *b) a->push_back(std::move(c));
  std::stable_sort(a->begin(), a->end(), lighter);
  if (a->size() > kMaxGateClauses) a->resize(kMaxGateClauses);
  return a;
}

// One side must hold: the union of a clause of each side is necessary. Of
// those unions the lightest kMaxGateClauses are kept: each is necessary, so
// together they are, and two of them reject what one lets through (with
// `(a1 and a2) or b`, both a1|b and a2|b must open, not only a1|b).
Gate either(Gate a, const Gate& b) {
  if (!a || !b || b->empty()) return std::nullopt;
  if (a->empty()) return b;
  std::vector<Clause> unions;
  for (const auto& x : *a) {
    for (const auto& y : *b) {
      Clause c = x;
      c.insert(c.end(), y.begin(), y.end());
      unions.push_back(std::move(c));
    }
  }
  std::stable_sort(unions.begin(), unions.end(), lighter);
  if (unions.size() > kMaxGateClauses) unions.resize(kMaxGateClauses);
  return unions;
}

// The neutral start of a union (an empty clause list, never returned as is).
Gate nothing() {
  return std::vector<Clause>{};
}

// The lightest clause the matcher offers. One, as most matchers give: more
// (a regex's) would crowd out another test's clause that weighs more in the
// rule set but opens less in events.
Gate value_gate(int slot, const ValueMatcher& m, const LiteralWeights& weights) {
  std::vector<Clause> clauses;
  for (const auto& patterns : m.gate_clauses()) {
    Clause c;
    for (const auto* p : patterns) c.push_back({slot, p, weights.weight(p->required_literal())});
    clauses.push_back(std::move(c));
  }
  if (clauses.empty()) return std::nullopt;
  std::stable_sort(clauses.begin(), clauses.end(), lighter);
  clauses.resize(1);
  return clauses;
}

// A keyword search (slot -1) keeps slot -1: its literals are looked for in
// every text of the event.
Gate test_gate(const FieldTest& t, const LiteralWeights& w) {
  if (t.values.empty()) return std::nullopt;
  Gate g = value_gate(t.slot, *t.values.front(), w);
  for (size_t i = 1; i < t.values.size(); ++i) {
    const Gate next = value_gate(t.slot, *t.values[i], w);
    g = t.all ? both(std::move(g), next) : either(std::move(g), next);
  }
  return g;
}

Gate conjunction_gate(const Conjunction& c, const LiteralWeights& w) {
  Gate g;
  for (const auto& t : c.tests) g = both(std::move(g), test_gate(t, w));
  return g;
}

Gate identifier_gate(const SearchIdentifier& id, const LiteralWeights& w) {
  if (id.alternatives.empty()) return std::nullopt;
  if (id.alternatives.size() == 1) return conjunction_gate(id.alternatives.front(), w);
  Gate out = nothing();
  for (const auto& alt : id.alternatives) {
    out = either(std::move(out), conjunction_gate(alt, w));
    if (!out) return out;
  }
  return out;
}

Gate node_gate(const ConditionNode& node, const Rule& rule, const LiteralWeights& w) {
  using Op = ConditionNode::Op;
  const auto ref = [&](int r) {
    return identifier_gate(rule.identifiers[static_cast<size_t>(r)], w);
  };
  Gate g;
  switch (node.op) {
    case Op::kRef:
      return ref(node.refs[0]);
    case Op::kNot:
      return std::nullopt;
    case Op::kAnd:
      for (const auto& c : node.children) g = both(std::move(g), node_gate(c, rule, w));
      return g;
    case Op::kAllOf:
      for (int r : node.refs) g = both(std::move(g), ref(r));
      return g;
    case Op::kOr:
      if (node.children.size() == 1) return node_gate(node.children.front(), rule, w);
      if (node.children.empty()) return std::nullopt;
      g = nothing();
      for (const auto& c : node.children) g = either(std::move(g), node_gate(c, rule, w));
      return g;
    case Op::kOneOf:
      if (node.refs.size() == 1) return ref(node.refs.front());
      if (node.refs.empty()) return std::nullopt;
      g = nothing();
      for (int r : node.refs) g = either(std::move(g), ref(r));
      return g;
  }
  return std::nullopt;
}

}  // namespace

void LiteralWeights::add(const Rule& rule) {
  for_each_screened(rule, [&](const FieldTest&, const StringPattern& p) {
    const auto literal = p.required_literal();
    auto it = counts_.find(literal);
    if (it == counts_.end()) it = counts_.emplace(std::string(literal), 0).first;
    ++it->second;
  });
}

namespace {

// A literal of one or two bytes (a space, `\`, `-c`) is in nearly every
// text of its field however few rules share it: it weighs more than any
// shared literal (SigmaHQ's most shared, `\powershell.exe`, 181), so a gate
// uses it only when a rule has nothing longer, and a one-byte literal more
// than two of two bytes. (Three bytes would also weigh down `.js` or
// `cmd`: gates opened more often on the regression events.)
size_t short_literal_weight(size_t length) {
  static_assert(kShortLiteral == 2);
  return length == 1 ? 4000 : length == 2 ? 1000 : 0;
}

}  // namespace

size_t LiteralWeights::weight(std::string_view literal) const {
  const auto it = counts_.find(literal);
  const size_t shared = it == counts_.end() ? 1 : it->second;
  return shared + short_literal_weight(literal.size());
}

std::optional<std::vector<std::vector<SlotLiteral>>> rule_gate(const Rule& rule,
                                                               const LiteralWeights& weights) {
  auto g = node_gate(rule.condition, rule, weights);
  if (!g) return g;
  std::erase_if(*g, [](const Clause& c) { return c.empty(); });
  if (g->empty()) return std::nullopt;
  return g;
}

}  // namespace vigil::sigma
