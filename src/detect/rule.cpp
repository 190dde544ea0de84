#include "detect/rule.h"

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

}  // namespace

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
