#include "detect/rule.h"

#include <cstdint>

namespace vigil::sigma {
namespace {

bool any_value_matches(const FieldTest& t, const Subject& s, const EvalContext& ctx) {
  for (const auto& m : t.values) {
    if (m->matches(s, ctx)) return true;
  }
  return false;
}

bool all_values_match(const FieldTest& t, const Subject& s, const EvalContext& ctx) {
  for (const auto& m : t.values) {
    if (!m->matches(s, ctx)) return false;
  }
  return true;
}

bool test_subject(const FieldTest& t, const Subject& s, const EvalContext& ctx) {
  return t.all ? all_values_match(t, s, ctx) : any_value_matches(t, s, ctx);
}

// Keywords search every scalar of the event; with `all`, each keyword may
// be found in a different field.
bool keyword_search(const FieldTest& t, const EvalContext& ctx) {
  const auto& texts = ctx.fields.all_texts();
  const auto found = [&](const ValueMatcher& m) {
    for (const auto& s : texts) {
      if (m.matches(s, ctx)) return true;
    }
    return false;
  };
  for (const auto& m : t.values) {
    const bool hit = found(*m);
    if (t.all && !hit) return false;
    if (!t.all && hit) return true;
  }
  return t.all;
}

// An array field matches when one of its elements does.
bool array_search(const FieldTest& t, int field_id, const Value& array, const EvalContext& ctx) {
  for (const auto& element : array.as_array()) {
    const Subject s(&element, field_id);
    if (test_subject(t, s, ctx)) return true;
  }
  return false;
}

void add_condition_footprint(const ConditionNode& node, std::vector<const void*>& out) {
  add_footprint(node.refs.data(), node.refs.size() * sizeof(int), out);
  add_footprint(node.children.data(), node.children.size() * sizeof(ConditionNode), out);
  for (const auto& c : node.children) add_condition_footprint(c, out);
}

}  // namespace

void add_footprint(const void* p, size_t bytes, std::vector<const void*>& out) {
  if (p == nullptr || bytes == 0) return;
  constexpr uintptr_t kLine = 64;
  const auto first = reinterpret_cast<uintptr_t>(p) & ~(kLine - 1);
  const auto last = (reinterpret_cast<uintptr_t>(p) + bytes - 1) & ~(kLine - 1);
  for (uintptr_t line = first, n = 0; line <= last && n < kFootprintBlockLines; line += kLine, ++n)
    out.push_back(reinterpret_cast<const void*>(line));
}

void add_matcher_footprint(const ValueMatcher& m, std::vector<const void*>& out) {
  add_footprint(&m, 128, out);
  m.footprint(out);
}

void Rule::footprint(std::vector<const void*>& out) const {
  add_footprint(&identifiers, sizeof identifiers + sizeof condition + sizeof exclusions, out);
  add_condition_footprint(condition, out);
  add_footprint(exclusions.data(), exclusions.size() * sizeof(ConditionNode), out);
  for (const auto& ex : exclusions) add_condition_footprint(ex, out);
  add_footprint(identifiers.data(), identifiers.size() * sizeof(SearchIdentifier), out);
  for (const auto& id : identifiers) {
    add_footprint(id.alternatives.data(), id.alternatives.size() * sizeof(Conjunction), out);
    for (const auto& alt : id.alternatives) {
      add_footprint(alt.tests.data(), alt.tests.size() * sizeof(FieldTest), out);
      for (const auto& t : alt.tests) {
        add_footprint(t.values.data(), t.values.size() * sizeof(t.values[0]), out);
        for (const auto& m : t.values) add_matcher_footprint(*m, out);
      }
    }
  }
}

bool FieldTest::evaluate(const EvalContext& ctx) const {
  if (slot < 0) return keyword_search(*this, ctx);
  const int id = ctx.slot_ids[static_cast<size_t>(slot)];
  const Value* v = id < 0 ? nullptr : ctx.fields.value(id);
  if (v != nullptr && v->is_array()) return array_search(*this, id, *v, ctx);
  if (id < 0) {
    const Subject missing;
    return test_subject(*this, missing, ctx);
  }
  return test_subject(*this, ctx.fields.subject(id), ctx);
}

bool SearchIdentifier::evaluate(const EvalContext& ctx) const {
  for (const auto& alt : alternatives) {
    bool all_true = true;
    for (const auto& t : alt.tests) {
      if (!t.evaluate(ctx)) {
        all_true = false;
        break;
      }
    }
    if (all_true) return true;
  }
  return false;
}

bool evaluate_condition(const ConditionNode& node, const Rule& rule, const EvalContext& ctx) {
  using Op = ConditionNode::Op;
  switch (node.op) {
    case Op::kRef:
      return rule.identifiers[static_cast<size_t>(node.refs[0])].evaluate(ctx);
    case Op::kNot:
      return !evaluate_condition(node.children[0], rule, ctx);
    case Op::kAnd:
      for (const auto& c : node.children) {
        if (!evaluate_condition(c, rule, ctx)) return false;
      }
      return true;
    case Op::kOr:
      for (const auto& c : node.children) {
        if (evaluate_condition(c, rule, ctx)) return true;
      }
      return false;
    case Op::kOneOf:
      for (int r : node.refs) {
        if (rule.identifiers[static_cast<size_t>(r)].evaluate(ctx)) return true;
      }
      return false;
    case Op::kAllOf:
      for (int r : node.refs) {
        if (!rule.identifiers[static_cast<size_t>(r)].evaluate(ctx)) return false;
      }
      return !node.refs.empty();
  }
  return false;
}

bool Rule::evaluate(const EvalContext& ctx) const {
  if (!evaluate_condition(condition, *this, ctx)) return false;
  for (const auto& ex : exclusions) {
    if (evaluate_condition(ex, *this, ctx)) return false;
  }
  return true;
}

}  // namespace vigil::sigma
