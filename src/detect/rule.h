// A parsed Sigma detection rule, independent of any event schema: field names
// are rule-local slots that a FieldMapping later binds to event field ids.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/severity.h"
#include "detect/event_fields.h"

namespace vigil::sigma {

class LiteralScan;
class StringPattern;

// Field slots a rule's tests refer to, bound per log-source variant.
struct EvalContext {
  const EventFields& fields;
  const std::vector<int>& slot_ids;  // rule slot -> event field id
  LiteralScan* literals = nullptr;   // the event's Hyperscan results, if any
};

// Appends the cache lines of [p, p + bytes) to `out` (at most
// kFootprintBlockLines of them): a rule's footprint, which the rule set
// prefetches before evaluating the rule (footprint()).
inline constexpr size_t kFootprintBlockLines = 8;
void add_footprint(const void* p, size_t bytes, std::vector<const void*>& out);

class ValueMatcher {
 public:
  virtual ~ValueMatcher() = default;
  // Whether the matcher needs a present value (false for null/exists tests).
  virtual bool needs_value() const { return true; }
  virtual bool matches(const Subject& s, const EvalContext& ctx) const = 0;
  // Appends what matches() reads outside the object's first two cache
  // lines (a pattern's text, an alternative's members); see Rule::footprint.
  virtual void footprint(std::vector<const void*>& /*out*/) const {}
  // Appends the string patterns the literal prefilter can screen; true when
  // the matcher cannot match unless one of them does.
  virtual bool screened_patterns(std::vector<const StringPattern*>& /*out*/) const { return false; }
  // Appends the screened patterns matches() asks the prefilter about
  // (LiteralScan::screen): only their bits need setting when a scan finds
  // their literal. By default all of screened_patterns; a matcher that
  // screens them only to open its rule's gate (a value set's members, an
  // event id's text) appends none.
  virtual void evaluation_screens(std::vector<const StringPattern*>& out) const {
    screened_patterns(out);
  }
  // Clauses of screened patterns, each holding one that must occur for the
  // matcher to match (none: no such clause). By default the one clause of
  // screened_patterns; a regex may know tighter ones.
  virtual std::vector<std::vector<const StringPattern*>> gate_clauses() const {
    std::vector<const StringPattern*> patterns;
    if (!screened_patterns(patterns) || patterns.empty()) return {};
    return {std::move(patterns)};
  }
};

// `field|modifiers: values` — one field condition of a selection.
struct FieldTest {
  int slot = -1;  // -1: keyword search over every string of the event
  bool all = false;
  std::vector<std::shared_ptr<const ValueMatcher>> values;
  bool evaluate(const EvalContext& ctx) const;
};

// A map of field conditions (AND).
struct Conjunction {
  std::vector<FieldTest> tests;
};

// A detection identifier (`selection`, `filter_main`, `keywords`): its maps
// or keyword lists are alternatives (OR).
struct SearchIdentifier {
  std::string name;
  std::vector<Conjunction> alternatives;
  bool evaluate(const EvalContext& ctx) const;
};

struct ConditionNode {
  enum class Op { kRef, kAnd, kOr, kNot, kOneOf, kAllOf };
  Op op = Op::kRef;
  std::vector<int> refs;  // identifier indices (kRef: one; kOneOf/kAllOf: the set)
  std::vector<ConditionNode> children;
};

struct Logsource {
  std::string product, category, service;
};

struct RuleMeta {
  std::string title, id, name, status, description, author, level_name, file;
  int line = 0;
  Severity level = Severity::kMedium;
  std::vector<std::string> tags, references;
  Logsource logsource;
  const std::string& display_name() const { return name.empty() ? title : name; }
};

struct Rule {
  RuleMeta meta;
  std::vector<std::string> fields;  // slot -> rule field name
  std::vector<SearchIdentifier> identifiers;
  ConditionNode condition;
  // Meta-filter conditions over `identifiers`: the rule fires only when
  // none of them holds.
  std::vector<ConditionNode> exclusions;

  bool evaluate(const EvalContext& ctx) const;
  // The cache lines evaluate() may read: condition nodes, identifiers,
  // their tests and matchers (not the big lookup structures a matcher may
  // probe). Each is a block of its own on the heap, reached through the
  // one before, so evaluating a rule whose data is not in cache waits for
  // them one after another (~15 misses, ~2/3 of an evaluation's cycles on
  // the SigmaHQ regression events); known ahead, they are loaded together.
  void footprint(std::vector<const void*>& out) const;
};

// The footprint of a matcher: its object's first two lines and what it reads
// beyond them.
void add_matcher_footprint(const ValueMatcher& m, std::vector<const void*>& out);

bool evaluate_condition(const ConditionNode& node, const Rule& rule, const EvalContext& ctx);

}  // namespace vigil::sigma
