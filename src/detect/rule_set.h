// An immutable, compiled set of Sigma rules: each rule is bound, for every
// field mapping, to the log-source variants that recognize it, and indexed
// by channel so an event only meets the rules that can apply to it. Shared
// read-only between workers; a reload builds a new RuleSet and swaps it.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/strings.h"
#include "core/value.h"
#include "detect/field_mapping.h"
#include "detect/huge_pages.h"
#include "detect/literal_prefilter.h"
#include "detect/rule.h"

namespace vigil::sigma {

struct MatchedRule {
  const Rule* rule = nullptr;
  Value fields;  // the rule's fields present in the event, with their values
};

struct RuleSetOptions {
  // The Hyperscan literal prefilter (literal_prefilter.h). Off only to
  // measure or cross-check it: results are the same either way.
  bool literal_prefilter = true;
  // The blocks match() reads at every event backed by huge pages
  // (huge_pages.h) when their footprints hold at least this many cache
  // lines (SigmaHQ's tree: ~153 k): a small set's few pages stay in the
  // TLB anyway, and each region costs up to 2 MiB of resident memory.
  // SIZE_MAX: never (to measure it).
  size_t huge_pages_from_lines = 16384;
};

class RuleSet {
 public:
  RuleSet(std::vector<std::shared_ptr<const Rule>> rules, std::vector<FieldMapping> mappings,
          RuleSetOptions options = {});

  // Rules that fire on the event, each once, in load order.
  std::vector<MatchedRule> match(const Value& doc) const;

  size_t rule_count() const { return rules_.size(); }
  // Rules no mapping can recognize the log source of (they never fire).
  const std::vector<const Rule*>& unmapped() const { return unmapped_; }
  // Hyperscan databases over all mappings (zero when the prefilter is off).
  LiteralIndex::Stats literal_stats() const;
  // Rules (per log-source variant) that have a literal gate, of all bound.
  std::pair<size_t, size_t> gated_rules() const;
  // The 2 MiB regions of the blocks match() reads, and how many of them
  // are backed by huge pages (none below huge_pages_from_lines).
  HugePageRegions huge_page_regions() const { return huge_pages_; }

 private:
  struct Bound {
    const Rule* rule = nullptr;
    size_t order = 0;
    std::vector<int> slot_ids;
    // Gate clauses (-1: none); skipped unless each clause had a literal fire.
    std::array<int, kMaxGateClauses> gates{-1, -1};
    // Its rule's footprint and slot ids: Schema::lines[lines_first ..
    // lines_first + lines_count), prefetched before it is evaluated.
    uint32_t lines_first = 0, lines_count = 0;
  };
  // Variants (ascending ids) indexed by the value one of their conditions
  // requires (the field most of them test, e.g. EventID), so an event meets
  // the few whose condition its value can satisfy, not all of a channel's.
  struct VariantIndex {
    int key_field = -1;
    std::unordered_map<std::string, std::vector<int>, StringHash, std::equal_to<>> by_value;
    std::vector<int> unkeyed;  // no condition on key_field
    std::vector<int> all;
  };
  struct Schema {
    FieldMapping mapping;
    std::vector<std::vector<Bound>> by_variant;
    std::unordered_map<std::string, VariantIndex, StringHash, std::equal_to<>> variants_by_channel;
    VariantIndex any_channel_variants;
    std::unique_ptr<LiteralIndex> literals;
    std::vector<std::vector<int>> gate_fields;  // by variant: fields its gates look at
    size_t gate_count = 0;
    // So an event walks only the bindings its literals opened, not every
    // binding of its variants: first clauses are numbered by variant
    // (variant v's are first_gates[v] .. first_gates[v + 1]), each the
    // first clause of binding first_clause_binding[g] of its variant;
    // second clauses come after them. Per variant, the ungated bindings.
    std::vector<uint32_t> first_gates, first_clause_binding;
    std::vector<std::vector<uint32_t>> ungated;
    std::vector<const void*> lines;  // the bindings' footprints
  };
  void bind(Schema& schema, const Rule& rule, size_t order, bool& mapped);
  // By rule (load order): its gate clauses, as rule_gate() gives them.
  using RuleGates = std::vector<std::optional<std::vector<std::vector<SlotLiteral>>>>;
  void build_prefilter(Schema& schema, const RuleGates& gates);
  void candidate_variants(const Schema& schema, const EventFields& fields,
                          std::vector<int>& out) const;
  void candidate_variants(const Schema& schema, const VariantIndex& index,
                          const EventFields& fields, std::vector<int>& out) const;
  // By variant, binding and clause: the (field, bit) of each literal.
  using BoundGates = std::vector<std::vector<std::vector<std::vector<std::pair<int, uint32_t>>>>>;
  static void add_gate_patterns(const Schema& schema, const RuleGates& gates, LiteralIndex& index);
  static BoundGates bind_gates(const Schema& schema, const RuleGates& gates,
                               const LiteralIndex& index);
  static void number_gates(Schema& schema, const BoundGates& clauses, LiteralIndex& index);
  static std::vector<bool> evaluated_bits(const Schema& schema, const LiteralIndex& index);
  void index_channels(Schema& schema);
  static void index_footprints(Schema& schema);
  std::vector<HeapBlock> hot_blocks() const;
  static void index_variants(const FieldMapping& mapping, VariantIndex& index);
  const Schema* schema_for(const Value& doc) const;

  std::vector<std::shared_ptr<const Rule>> rules_;
  std::vector<Schema> schemas_;
  std::vector<const Rule*> unmapped_;
  HugePageRegions huge_pages_;
};

}  // namespace vigil::sigma
