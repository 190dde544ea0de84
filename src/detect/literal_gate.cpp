// rule_gate: from a rule's condition, a set of screened literals at least one
// of which must occur for the rule to match. nullopt means "no such set":
// the rule is always evaluated. Every step only ever keeps necessary
// conditions, so a gate never hides a match:
//   a AND b      -> the gate of either (the smaller one)
//   a OR b       -> the union of both gates (none if either has none)
//   NOT a        -> none (a literal's absence can make it true)
#include <algorithm>

#include "detect/literal_prefilter.h"

namespace vigil::sigma {
namespace {

using Gate = std::optional<std::vector<SlotLiteral>>;

Gate narrowest(Gate a, Gate b) {
  if (!a) return b;
  if (!b) return a;
  return a->size() <= b->size() ? a : b;
}

Gate either(Gate a, const Gate& b) {
  if (!a || !b) return std::nullopt;
  a->insert(a->end(), b->begin(), b->end());
  return a;
}

Gate value_gate(int slot, const ValueMatcher& m) {
  std::vector<const StringPattern*> patterns;
  if (!m.screened_patterns(patterns) || patterns.empty()) return std::nullopt;
  std::vector<SlotLiteral> out;
  for (const auto* p : patterns) out.push_back({slot, p});
  return out;
}

// A keyword search (slot -1) keeps slot -1: its literals are looked for in
// every text of the event.
Gate test_gate(const FieldTest& t) {
  if (t.values.empty()) return std::nullopt;
  Gate g = value_gate(t.slot, *t.values.front());
  for (size_t i = 1; i < t.values.size(); ++i) {
    const Gate next = value_gate(t.slot, *t.values[i]);
    g = t.all ? narrowest(std::move(g), next) : either(std::move(g), next);
  }
  return g;
}

Gate identifier_gate(const SearchIdentifier& id) {
  if (id.alternatives.empty()) return std::nullopt;
  Gate out = std::vector<SlotLiteral>{};
  for (const auto& alt : id.alternatives) {
    if (alt.tests.empty()) return std::nullopt;  // an empty map is always true
    Gate g;
    for (const auto& t : alt.tests) g = narrowest(std::move(g), test_gate(t));
    out = either(std::move(out), g);
    if (!out) return out;
  }
  return out;
}

Gate node_gate(const ConditionNode& node, const Rule& rule) {
  using Op = ConditionNode::Op;
  const auto ref = [&](int r) { return identifier_gate(rule.identifiers[static_cast<size_t>(r)]); };
  Gate g;
  switch (node.op) {
    case Op::kRef:
      return ref(node.refs[0]);
    case Op::kNot:
      return std::nullopt;
    case Op::kAnd:
      for (const auto& c : node.children) g = narrowest(std::move(g), node_gate(c, rule));
      return g;
    case Op::kAllOf:
      for (int r : node.refs) g = narrowest(std::move(g), ref(r));
      return g;
    case Op::kOr:
      if (node.children.empty()) return std::nullopt;
      g = std::vector<SlotLiteral>{};
      for (const auto& c : node.children) g = either(std::move(g), node_gate(c, rule));
      return g;
    case Op::kOneOf:
      if (node.refs.empty()) return std::nullopt;
      g = std::vector<SlotLiteral>{};
      for (int r : node.refs) g = either(std::move(g), ref(r));
      return g;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::vector<SlotLiteral>> rule_gate(const Rule& rule) {
  auto g = node_gate(rule.condition, rule);
  if (g && g->empty()) return std::nullopt;
  return g;
}

}  // namespace vigil::sigma
