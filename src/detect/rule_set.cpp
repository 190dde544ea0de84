#include "detect/rule_set.h"

#include <algorithm>
#include <bit>
#include <optional>

namespace vigil::sigma {

RuleSet::RuleSet(std::vector<std::shared_ptr<const Rule>> rules, std::vector<FieldMapping> mappings,
                 RuleSetOptions options)
    : rules_(std::move(rules)) {
  for (auto& m : mappings)
    schemas_.push_back(Schema{std::move(m), {}, {}, {}, nullptr, {}, 0, {}, {}, {}, {}});
  for (size_t i = 0; i < rules_.size(); ++i) {
    bool mapped = false;
    for (auto& schema : schemas_) bind(schema, *rules_[i], i, mapped);
    if (!mapped) unmapped_.push_back(rules_[i].get());
  }
  for (auto& schema : schemas_) index_channels(schema);
  if (options.literal_prefilter) {
    RuleGates gates;
    LiteralWeights weights;
    for (const auto& r : rules_) weights.add(*r);
    for (const auto& r : rules_) gates.push_back(rule_gate(*r, weights));
    for (auto& schema : schemas_) build_prefilter(schema, gates);
  }
  for (auto& schema : schemas_) index_footprints(schema);
  size_t lines = 0;
  for (const auto& schema : schemas_) lines += schema.lines.size();
  if (lines >= options.huge_pages_from_lines) huge_pages_ = back_with_huge_pages(hot_blocks());
}

// What match() reads of the set: the bindings, their footprints (rules,
// matchers, pattern texts) and the prefilter's scan structures.
std::vector<HeapBlock> RuleSet::hot_blocks() const {
  std::vector<HeapBlock> out;
  for (const auto& schema : schemas_) {
    out.push_back({schema.lines.data(), schema.lines.size() * sizeof(const void*)});
    for (const void* line : schema.lines) out.push_back({line, 64});
    for (const auto& bounds : schema.by_variant)
      out.push_back({bounds.data(), bounds.size() * sizeof(Bound)});
    if (schema.literals) schema.literals->heap_blocks(out);
  }
  return out;
}

namespace {

// `keywords`: the keyword field of the binding's variant.
void add_rule_literals(LiteralIndex& index, const Rule& rule, const std::vector<int>& slot_ids,
                       int keywords) {
  for_each_screened(rule, [&](const FieldTest& t, const StringPattern& p) {
    const int field = t.slot < 0 ? keywords : slot_ids[static_cast<size_t>(t.slot)];
    if (t.slot < 0 || field >= 0) index.add(field, p);
  });
}

// A gate clause in this schema's field ids and bits; false when a literal
// has no bit (then the clause is dropped).
bool bind_gate(const std::vector<SlotLiteral>& gate, const std::vector<int>& slot_ids, int keywords,
               const LiteralIndex& index, std::vector<std::pair<int, uint32_t>>& out) {
  for (const auto& literal : gate) {
    const int slot = literal.slot;
    const int field = slot < 0 ? keywords : slot_ids[static_cast<size_t>(slot)];
    const auto bit = index.bit_of(*literal.pattern);
    if ((slot >= 0 && field < 0) || !bit) return false;
    out.emplace_back(field, *bit);
  }
  return true;
}

template <typename T>
void sort_unique(std::vector<T>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

// A Hyperscan failure leaves the schema without prefilter: slower, same
// results.
void RuleSet::build_prefilter(Schema& schema, const RuleGates& gates) {
  auto index = std::make_unique<LiteralIndex>();
  add_gate_patterns(schema, gates, *index);
  for (size_t v = 0; v < schema.by_variant.size(); ++v) {
    for (const auto& b : schema.by_variant[v])
      add_rule_literals(*index, *b.rule, b.slot_ids, keyword_field(v));
  }
  if (!index->compile()) return;
  number_gates(schema, bind_gates(schema, gates, *index), *index);
  schema.literals = std::move(index);
}

void RuleSet::add_gate_patterns(const Schema& schema, const RuleGates& gates, LiteralIndex& index) {
  for (const auto& bounds : schema.by_variant) {
    for (const auto& b : bounds) {
      if (!gates[b.order]) continue;
      for (const auto& clause : *gates[b.order]) {
        for (const auto& literal : clause) index.add_gate_pattern(*literal.pattern);
      }
    }
  }
}

// Each binding's gate clauses in this schema's fields and bits (a clause
// with a literal the index does not screen is dropped).
RuleSet::BoundGates RuleSet::bind_gates(const Schema& schema, const RuleGates& gates,
                                        const LiteralIndex& index) {
  BoundGates clauses(schema.by_variant.size());
  for (size_t v = 0; v < schema.by_variant.size(); ++v) {
    for (const auto& b : schema.by_variant[v]) {
      auto& mine = clauses[v].emplace_back();
      if (!gates[b.order]) continue;
      for (const auto& clause : *gates[b.order]) {
        std::vector<std::pair<int, uint32_t>> literals;
        if (mine.size() < kMaxGateClauses &&
            bind_gate(clause, b.slot_ids, keyword_field(v), index, literals))
          mine.push_back(std::move(literals));
      }
    }
  }
  return clauses;
}

// Gate ids: first clauses first, by variant (a variant's are the range
// first_gates[v] .. first_gates[v + 1]), then second clauses. match() then
// walks only the first clauses of the event's candidate variants.
void RuleSet::number_gates(Schema& schema, const BoundGates& clauses, LiteralIndex& index) {
  std::vector<std::vector<uint32_t>> opened_by(index.bit_count());
  schema.gate_fields.assign(schema.by_variant.size(), {});
  schema.first_gates.assign(1, 0);
  schema.first_clause_binding.clear();
  schema.ungated.assign(schema.by_variant.size(), {});
  uint32_t next = 0;
  const auto number = [&](size_t v, size_t i, size_t k) {
    auto& b = schema.by_variant[v][i];
    b.gates[k] = static_cast<int>(next);
    for (const auto& [field, bit] : clauses[v][i][k]) {
      opened_by[bit].push_back(next);
      schema.gate_fields[v].push_back(field);
    }
    ++next;
  };
  for (size_t v = 0; v < schema.by_variant.size(); ++v) {
    for (size_t i = 0; i < clauses[v].size(); ++i) {
      if (clauses[v][i].empty()) {
        schema.ungated[v].push_back(static_cast<uint32_t>(i));
        continue;
      }
      schema.first_clause_binding.push_back(static_cast<uint32_t>(i));
      number(v, i, 0);
    }
    schema.first_gates.push_back(next);
  }
  for (size_t v = 0; v < schema.by_variant.size(); ++v) {
    for (size_t i = 0; i < clauses[v].size(); ++i) {
      for (size_t k = 1; k < clauses[v][i].size(); ++k) number(v, i, k);
    }
    sort_unique(schema.gate_fields[v]);
  }
  schema.gate_count = next;
  index.set_opened_gates(opened_by, evaluated_bits(schema, index));
}

// By bit: whether a matcher of a bound rule screens its pattern when the
// rule is evaluated.
std::vector<bool> RuleSet::evaluated_bits(const Schema& schema, const LiteralIndex& index) {
  std::vector<bool> evaluated(index.bit_count(), false);
  for (const auto& bounds : schema.by_variant) {
    for (const auto& b : bounds) {
      for_each_evaluation_screen(*b.rule, [&](const FieldTest&, const StringPattern& p) {
        if (const auto bit = index.bit_of(p)) evaluated[*bit] = true;
      });
    }
  }
  return evaluated;
}

LiteralIndex::Stats RuleSet::literal_stats() const {
  LiteralIndex::Stats total;
  for (const auto& schema : schemas_) {
    if (!schema.literals) continue;
    const auto s = schema.literals->stats();
    total.databases += s.databases;
    total.literals += s.literals;
    total.patterns += s.patterns;
    total.bytes += s.bytes;
    total.whole_texts += s.whole_texts;
    total.anchored += s.anchored;
    total.pinned += s.pinned;
    total.grams += s.grams;
  }
  return total;
}

std::pair<size_t, size_t> RuleSet::gated_rules() const {
  size_t gated = 0, all = 0;
  for (const auto& schema : schemas_) {
    for (const auto& bounds : schema.by_variant) {
      for (const auto& b : bounds) {
        all += 1;
        gated += b.gates[0] >= 0 ? 1 : 0;
      }
    }
  }
  return {gated, all};
}

void RuleSet::bind(Schema& schema, const Rule& rule, size_t order, bool& mapped) {
  const auto variants = schema.mapping.variants_for(rule.meta.logsource);
  for (int v : variants) {
    const auto& variant = schema.mapping.variants()[static_cast<size_t>(v)];
    Bound b{.rule = &rule, .order = order, .slot_ids = {}, .gates = {-1, -1}};
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

// At most this many lines a binding, the first its evaluation reads
// (SigmaHQ's rules: 47 on average, 11 % have more, the longest lists of
// values thousands): the rest is left to the hardware.
constexpr size_t kMaxFootprintLines = 64;

void RuleSet::index_footprints(Schema& schema) {
  std::vector<const void*> all;
  for (auto& bounds : schema.by_variant) {
    for (auto& b : bounds) {
      all.clear();
      add_footprint(b.slot_ids.data(), b.slot_ids.size() * sizeof(int), all);
      b.rule->footprint(all);
      if (schema.literals) {  // the words its patterns' screens read
        for_each_screened(*b.rule, [&](const FieldTest&, const StringPattern& p) {
          schema.literals->footprint(p, all);
        });
      }
      b.lines_first = static_cast<uint32_t>(schema.lines.size());
      for (const void* line : all) {
        if (schema.lines.size() - b.lines_first == kMaxFootprintLines) break;
        const auto mine = schema.lines.begin() + b.lines_first;
        if (std::find(mine, schema.lines.end(), line) == schema.lines.end())
          schema.lines.push_back(line);
      }
      b.lines_count = static_cast<uint32_t>(schema.lines.size() - b.lines_first);
    }
  }
}

void RuleSet::index_channels(Schema& schema) {
  const auto& variants = schema.mapping.variants();
  schema.by_variant.resize(variants.size());
  for (size_t v = 0; v < variants.size(); ++v) {
    if (variants[v].channels.empty()) {
      schema.any_channel_variants.all.push_back(static_cast<int>(v));
    }
    for (const auto& ch : variants[v].channels) {
      schema.variants_by_channel[ch].all.push_back(static_cast<int>(v));
    }
  }
  index_variants(schema.mapping, schema.any_channel_variants);
  for (auto& [channel, index] : schema.variants_by_channel) index_variants(schema.mapping, index);
}

namespace {

const std::vector<std::string>* condition_on(const LogsourceVariant& v, int field) {
  for (const auto& [id, values] : v.conditions) {
    if (id == field) return &values;
  }
  return nullptr;
}

}  // namespace

void RuleSet::index_variants(const FieldMapping& mapping, VariantIndex& index) {
  std::unordered_map<int, size_t> tested;
  for (int v : index.all) {
    for (const auto& [id, values] : mapping.variants()[static_cast<size_t>(v)].conditions)
      ++tested[id];
  }
  size_t most = 0;
  for (const auto& [id, count] : tested) {
    if (count > most || (count == most && id < index.key_field)) {
      index.key_field = id;
      most = count;
    }
  }
  for (int v : index.all) {
    const auto* values = condition_on(mapping.variants()[static_cast<size_t>(v)], index.key_field);
    if (values == nullptr) {
      index.unkeyed.push_back(v);
      continue;
    }
    for (const auto& value : *values) {
      auto& keyed = index.by_value[value];
      if (keyed.empty() || keyed.back() != v) keyed.push_back(v);
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
    if (value == nullptr) return false;
    if (value->is_array()) {
      if (!value_in(*value, values)) return false;
      continue;
    }
    // The field's folded text, computed once per event for every variant.
    const Subject& s = fields.subject(id);
    if (!s.has_text() || std::find(values.begin(), values.end(), s.folded()) == values.end())
      return false;
  }
  return true;
}

Value matched_fields(const Rule& rule, const std::vector<int>& slot_ids, const EventFields& f) {
  Object out;
  out.reserve(rule.fields.size());
  for (size_t i = 0; i < rule.fields.size(); ++i) {
    const Value* v = slot_ids[i] < 0 ? nullptr : f.value(slot_ids[i]);
    if (v != nullptr) out.emplace_back(rule.fields[i], *v);
  }
  return Value(std::move(out));
}

}  // namespace

// The variants of `index` whose conditions the event meets, in ascending
// order (the order match() reports a rule bound to several through).
void RuleSet::candidate_variants(const Schema& schema, const VariantIndex& index,
                                 const EventFields& fields, std::vector<int>& out) const {
  const auto consider = [&](int v) {
    if (conditions_hold(schema.mapping.variants()[static_cast<size_t>(v)], fields))
      out.push_back(v);
  };
  const Value* key = index.key_field < 0 ? nullptr : fields.value(index.key_field);
  if (key != nullptr && key->is_array()) {  // several values: each variant checked
    for (int v : index.all) consider(v);
    return;
  }
  const size_t first = out.size();
  for (int v : index.unkeyed) consider(v);
  const Subject* s = key == nullptr ? nullptr : &fields.subject(index.key_field);
  if (s == nullptr || !s->has_text()) return;  // no keyed variant can hold
  const auto it = index.by_value.find(s->folded());
  if (it == index.by_value.end()) return;
  const size_t unkeyed_end = out.size();
  for (int v : it->second) consider(v);
  std::inplace_merge(out.begin() + static_cast<std::ptrdiff_t>(first),
                     out.begin() + static_cast<std::ptrdiff_t>(unkeyed_end), out.end());
}

void RuleSet::candidate_variants(const Schema& schema, const EventFields& fields,
                                 std::vector<int>& out) const {
  out.clear();
  candidate_variants(schema, schema.any_channel_variants, fields, out);
  const int channel_id = schema.mapping.channel_field();
  if (channel_id >= 0 && fields.value(channel_id) != nullptr) {
    const auto it = schema.variants_by_channel.find(fields.subject(channel_id).folded());
    if (it != schema.variants_by_channel.end()) candidate_variants(schema, it->second, fields, out);
  }
}

namespace {

bool all_open(const std::array<int, kMaxGateClauses>& gates, const std::vector<uint64_t>& open) {
  for (int g : gates) {
    if (g >= 0 && ((open[static_cast<size_t>(g) >> 6] >> (g & 63)) & 1) == 0) return false;
  }
  return true;
}

// The gate clauses of the candidate variants whose literals occur in the
// event, opened by the scans as they find the literals.
void open_gates(LiteralScan& scan, const std::vector<int>& variants,
                const std::vector<std::vector<int>>& gate_fields, size_t gate_count,
                std::vector<uint64_t>& open) {
  open.assign((gate_count + 63) / 64, 0);
  scan.open_gates_into(open.data());
  for (int v : variants) scan.scan_fields(gate_fields[static_cast<size_t>(v)]);
}

// Calls f(g) for each open gate g in [begin, end).
template <typename F>
void for_each_open(const std::vector<uint64_t>& open, uint32_t begin, uint32_t end, F&& f) {
  if (begin >= end) return;
  const uint32_t last = (end - 1) >> 6;
  for (uint32_t w = begin >> 6; w <= last; ++w) {
    uint64_t bits = open[w];
    if (w == begin >> 6) bits &= ~uint64_t{0} << (begin & 63);
    if (w == last && (end & 63) != 0) bits &= ~uint64_t{0} >> (64 - (end & 63));
    for (; bits != 0; bits &= bits - 1) f(w * 64 + static_cast<uint32_t>(std::countr_zero(bits)));
  }
}

// Per-thread buffers of match(), reused from event to event.
struct MatchScratch {
  std::vector<int> variants;
  std::vector<uint64_t> open;
  struct Hit {
    size_t order;          // the rule's load order
    const void* bound;     // the binding that matched
    uint32_t variant_pos;  // its variant's place in `variants`
  };
  std::vector<Hit> hits;
  struct Pending {
    const void* bound;
    uint32_t variant_pos;
  };
  std::vector<Pending> pending;  // bindings to evaluate, in order
};

}  // namespace

std::vector<MatchedRule> RuleSet::match(const Value& doc) const {
  std::vector<MatchedRule> out;
  const Schema* schema = schema_for(doc);
  if (schema == nullptr) return out;
  const EventFields fields(schema->mapping, doc);
  thread_local MatchScratch scratch;
  // A nested match on this thread (none today) must not share the buffers.
  MatchScratch local;
  MatchScratch& s = scratch.variants.empty() && scratch.hits.empty() ? scratch : local;
  candidate_variants(*schema, fields, s.variants);
  if (s.variants.empty()) return out;
  std::optional<LiteralScan> scan;
  if (schema->literals) {
    scan.emplace(*schema->literals, fields);
    open_gates(*scan, s.variants, schema->gate_fields, schema->gate_count, s.open);
  }
  LiteralScan* literals = scan ? &*scan : nullptr;
  // A rule bound to several candidate variants is reported once, through
  // the first of those variants (whose field names its matched fields use).
  const auto evaluate = [&](const Bound& b, uint32_t variant_pos) {
    const auto same = std::find_if(s.hits.begin(), s.hits.end(), [&](const auto& h) {
      return static_cast<const Bound*>(h.bound)->rule == b.rule;
    });
    if (same != s.hits.end() && same->variant_pos <= variant_pos) return;
    const EvalContext ctx{fields, b.slot_ids, literals};
    if (!b.rule->evaluate(ctx)) return;
    if (same != s.hits.end()) {
      *same = {b.order, &b, variant_pos};
    } else {
      s.hits.push_back({b.order, &b, variant_pos});
    }
  };
  if (literals != nullptr && literals->ok()) {
    // Per candidate variant, its ungated bindings, then the gated ones whose
    // first clause opened (the only way all their clauses are open). All
    // are listed first, and their rules' footprints prefetched together
    // (prefetching the next rule's while evaluating one was slower: the
    // misses overlap best all at once).
    for (size_t pos = 0; pos < s.variants.size(); ++pos) {
      const auto v = static_cast<size_t>(s.variants[pos]);
      const auto& bounds = schema->by_variant[v];
      for (uint32_t i : schema->ungated[v])
        s.pending.push_back({&bounds[i], static_cast<uint32_t>(pos)});
      for_each_open(s.open, schema->first_gates[v], schema->first_gates[v + 1], [&](uint32_t g) {
        const Bound& b = bounds[schema->first_clause_binding[g]];
        if (all_open(b.gates, s.open)) s.pending.push_back({&b, static_cast<uint32_t>(pos)});
      });
    }
    for (const auto& p : s.pending) {
      const auto& b = *static_cast<const Bound*>(p.bound);
      for (uint32_t k = 0; k < b.lines_count; ++k)
        __builtin_prefetch(schema->lines[b.lines_first + k]);
    }
    for (const auto& p : s.pending) evaluate(*static_cast<const Bound*>(p.bound), p.variant_pos);
    s.pending.clear();
  } else {
    for (size_t pos = 0; pos < s.variants.size(); ++pos) {
      for (const auto& b : schema->by_variant[static_cast<size_t>(s.variants[pos])])
        evaluate(b, static_cast<uint32_t>(pos));
    }
  }
  std::sort(s.hits.begin(), s.hits.end(),
            [](const auto& a, const auto& b) { return a.order < b.order; });
  out.reserve(s.hits.size());
  for (const auto& hit : s.hits) {
    const auto& b = *static_cast<const Bound*>(hit.bound);
    out.push_back(MatchedRule{b.rule, matched_fields(*b.rule, b.slot_ids, fields)});
  }
  s.hits.clear();
  s.variants.clear();
  return out;
}

}  // namespace vigil::sigma
