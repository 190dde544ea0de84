#include "detect/rule_set.h"

#include <algorithm>

namespace vigil::sigma {

RuleSet::RuleSet(std::vector<std::shared_ptr<const Rule>> rules, std::vector<FieldMapping> mappings)
    : rules_(std::move(rules)) {
  for (auto& m : mappings) schemas_.push_back(Schema{std::move(m), {}, {}, {}});
  for (size_t i = 0; i < rules_.size(); ++i) {
    bool mapped = false;
    for (auto& schema : schemas_) bind(schema, *rules_[i], i, mapped);
    if (!mapped) unmapped_.push_back(rules_[i].get());
  }
  for (auto& schema : schemas_) index_channels(schema);
}

void RuleSet::bind(Schema& schema, const Rule& rule, size_t order, bool& mapped) {
  const auto variants = schema.mapping.variants_for(rule.meta.logsource);
  for (int v : variants) {
    const auto& variant = schema.mapping.variants()[static_cast<size_t>(v)];
    Bound b{&rule, order, {}};
    for (const auto& field : rule.fields) {
      const auto rename = variant.renames.find(field);
      b.slot_ids.push_back(
          schema.mapping.intern(rename == variant.renames.end() ? field : rename->second));
    }
    if (schema.by_variant.size() <= static_cast<size_t>(v)) schema.by_variant.resize(v + 1);
    schema.by_variant[static_cast<size_t>(v)].push_back(std::move(b));
    mapped = true;
  }
}

void RuleSet::index_channels(Schema& schema) {
  const auto& variants = schema.mapping.variants();
  schema.by_variant.resize(variants.size());
  for (size_t v = 0; v < variants.size(); ++v) {
    if (variants[v].channels.empty()) {
      schema.any_channel_variants.push_back(static_cast<int>(v));
    }
    for (const auto& ch : variants[v].channels) {
      schema.variants_by_channel[ch].push_back(static_cast<int>(v));
    }
  }
}

const RuleSet::Schema* RuleSet::schema_for(const Value& doc) const {
  const Schema* fallback = nullptr;
  for (const auto& s : schemas_) {
    if (s.mapping.is_fallback()) {
      if (fallback == nullptr) fallback = &s;
    } else if (s.mapping.recognizes(doc)) {
      return &s;
    }
  }
  return fallback;
}

namespace {

bool value_in(const Value& v, const std::vector<std::string>& folded_values) {
  if (v.is_array()) {
    for (const auto& element : v.as_array()) {
      if (value_in(element, folded_values)) return true;
    }
    return false;
  }
  const Subject s(&v);
  if (!s.has_text()) return false;
  return std::find(folded_values.begin(), folded_values.end(), s.folded()) != folded_values.end();
}

bool conditions_hold(const LogsourceVariant& v, const EventFields& fields) {
  for (const auto& [id, values] : v.conditions) {
    const Value* value = fields.value(id);
    if (value == nullptr || !value_in(*value, values)) return false;
  }
  return true;
}

Value matched_fields(const Rule& rule, const std::vector<int>& slot_ids, const EventFields& f) {
  Object out;
  for (size_t i = 0; i < rule.fields.size(); ++i) {
    const Value* v = slot_ids[i] < 0 ? nullptr : f.value(slot_ids[i]);
    if (v != nullptr) out.emplace_back(rule.fields[i], *v);
  }
  return Value(std::move(out));
}

}  // namespace

std::vector<MatchedRule> RuleSet::match(const Value& doc) const {
  std::vector<MatchedRule> out;
  const Schema* schema = schema_for(doc);
  if (schema == nullptr) return out;
  const EventFields fields(schema->mapping, doc);
  std::vector<std::pair<size_t, MatchedRule>> hits;
  const auto run_variant = [&](int v) {
    const auto& variant = schema->mapping.variants()[static_cast<size_t>(v)];
    if (!conditions_hold(variant, fields)) return;
    for (const auto& b : schema->by_variant[static_cast<size_t>(v)]) {
      const EvalContext ctx{fields, b.slot_ids};
      if (!b.rule->evaluate(ctx)) continue;
      const bool seen = std::any_of(hits.begin(), hits.end(),
                                    [&](const auto& h) { return h.second.rule == b.rule; });
      if (!seen)
        hits.emplace_back(b.order,
                          MatchedRule{b.rule, matched_fields(*b.rule, b.slot_ids, fields)});
    }
  };
  for (int v : schema->any_channel_variants) run_variant(v);
  const int channel_id = schema->mapping.channel_field();
  if (channel_id >= 0 && fields.value(channel_id) != nullptr) {
    const auto it =
        schema->variants_by_channel.find(std::string(fields.subject(channel_id).folded()));
    if (it != schema->variants_by_channel.end()) {
      for (int v : it->second) run_variant(v);
    }
  }
  std::sort(hits.begin(), hits.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& h : hits) out.push_back(std::move(h.second));
  return out;
}

}  // namespace vigil::sigma
