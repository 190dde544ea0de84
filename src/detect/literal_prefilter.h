// The Hyperscan stage of Sigma matching. At rule-set compile time, every
// string pattern tested on an event field contributes its required literal
// (its longest literal piece, case-folded unless `cased`) to one Hyperscan
// literal database per field. Per event, each field a rule looks at is
// scanned once over the folded text the engine computes anyway, setting one
// bit per pattern whose literal occurs. A pattern whose bit is clear cannot
// match, so its exact check is skipped; a set bit only makes the pattern a
// candidate, and the exact check (wildcards, anchoring, `?`) decides. A
// pattern that is a whole value (`field: value`, the most common test) is not
// scanned for: the field's folded text is looked up once in a hash table of
// such values, which costs a fraction of a Hyperscan call on short texts; nor
// is one that must start or end the text (`startswith`, `endswith`): those
// are found by walking a trie from that end (anchored_literals.h); nor are
// the literals of a field whose literals all have a `=` (hash fields):
// those are looked up at each `=` of the text (pinned_literals.h); nor,
// on a field with thousands of literals (`CommandLine`), those of eight
// bytes or more: each eight bytes of the text are looked up in a table of
// the literals' rarest grams (gram_literals.h). Only
// the patterns of rules' gates are screened on fields (the rest are checked
// exactly when their rule is evaluated, which its gate decides): a field's
// database is costly per literal. Rules get a gate: up to two clauses, each of literals at least
// one of which must occur for the condition to be true; a rule with a clause that did not fire is
// not evaluated at all.
//
// Keyword searches are screened over every text of the event at once, in
// one database per log-source variant (keyword_field). Patterns without a literal (`*`, `?`), cased
// patterns (the database is over folded text) and non-string tests are never
// screened.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/key_table.h"
#include "core/strings.h"
#include "detect/anchored_literals.h"
#include "detect/gram_literals.h"
#include "detect/pinned_literals.h"
#include "detect/rule.h"
#include "detect/string_pattern.h"

struct hs_database;

namespace vigil::sigma {

struct ScanBuffers;

// The pseudo-field of keyword searches: every text of the event (the field
// id of Subjects from EventFields::all_texts()).
inline constexpr int kEveryText = -1;
// Keyword literals are kept in one database per group (the keyword tests of
// one log-source variant's rules): group g is the pseudo-field
// kEveryText - g, scanned over every text of the event. An event scans the
// keywords of its candidate variants only, not every keyword of the set.
inline constexpr int keyword_field(size_t group) {
  return kEveryText - static_cast<int>(group);
}

class LiteralIndex {
 public:
  LiteralIndex();
  ~LiteralIndex();
  LiteralIndex(const LiteralIndex&) = delete;
  LiteralIndex& operator=(const LiteralIndex&) = delete;

  // Compile time (single-threaded), before add(): `p` is a literal of a
  // rule's gate. Only such patterns are screened on a field (see add()).
  void add_gate_pattern(const StringPattern& p) { gate_patterns_.insert(p.id()); }
  // Compile time (single-threaded): `p` is tested on `field_id` (or, as a
  // keyword, on the texts of keyword_field(group)).
  void add(int field_id, const StringPattern& p);
  // Builds the databases. On error the index must not be used (the rule set
  // then matches without prefilter: slower, same results).
  Result<void> compile();

  // The bit of a screened pattern; nullopt when the pattern is not screened.
  std::optional<uint32_t> bit_of(const StringPattern& p) const {
    if (p.id() < base_ || p.id() - base_ >= bit_count_) return std::nullopt;
    const auto bit = static_cast<uint32_t>(p.id() - base_);
    if (((screened_[bit >> 6] >> (bit & 63)) & 1) == 0) return std::nullopt;
    return bit;
  }
  uint32_t bit_count() const { return bit_count_; }
  // Compile time, after compile(): the gate clauses bit b's pattern opens
  // are opened_by[b] (bit_count() lists). Each literal then lists the gates
  // all its patterns open, so a scan opens them as it finds the literal
  // (LiteralScan::open_gates_into) instead of a walk of the fired pattern
  // bits reading each bit's list after the scans: those lists are cold,
  // one more dependent miss per fired bit.
  // Only the bits of `evaluated` patterns (by bit: those a matcher screens
  // while its rule is evaluated, ValueMatcher::evaluation_screens) stay set
  // by a literal, and screened: the rest (a value set's members, event ids:
  // 4,869 of SigmaHQ's 27,971 screened patterns, among them the event ids
  // every event of a channel finds) only open gates.
  void set_opened_gates(const std::vector<std::vector<uint32_t>>& opened_by,
                        const std::vector<bool>& evaluated);
  // The words of the index a screen of `p` reads (Rule::footprint).
  void footprint(const StringPattern& p, std::vector<const void*>& out) const;

  // The blocks a scan reads (not the lookup tables' own): the databases,
  // the tries and gram filters, the literals' bits and gates (huge_pages.h).
  void heap_blocks(std::vector<HeapBlock>& out) const;

  struct Stats {
    size_t databases = 0, literals = 0, patterns = 0, bytes = 0;
    size_t whole_texts = 0;  // values looked up instead of scanned for
    size_t anchored = 0;     // prefixes and suffixes looked up in tries
    size_t pinned = 0;       // literals looked up at each `=` of the text
    size_t grams = 0;        // long literals found by their eight-byte grams
  };
  Stats stats() const;

 private:
  friend class LiteralScan;
  // Literal i sets bits[first[i] .. gates[i]). The Hyperscan database
  // (or, when they all have a pin, `pinned`) holds the literals that may
  // occur anywhere in the text (ids 0..n-1), `whole_texts` those the text
  // must equal, `prefixes` and `suffixes` those it must start or end with.
  struct FieldDatabase {
    hs_database* db = nullptr;
    // Most texts equal none: its filter turns those away before hashing.
    KeyTable whole_texts;
    AnchoredLiterals prefixes{AnchoredLiterals::Anchor::kStart};
    AnchoredLiterals suffixes{AnchoredLiterals::Anchor::kEnd};
    PinnedLiterals pinned;
    // A big field's long literals, out of its Hyperscan database.
    GramLiterals grams;
    // Literal i sets the pattern bits bits[first[i] .. gates[i]) and opens
    // the gate clauses bits[gates[i] .. first[i+1]): one run, one cold
    // cache line for most literals instead of two.
    std::vector<uint32_t> first, bits, gates;
  };
  // Which lookups a field's database has, by slot: a byte a field in one
  // array, so a scan reads only the structures the field has. A database
  // is ~600 bytes over ten cache lines, cold at every event, and asking
  // each structure whether it is empty touched five of them on each of
  // the ~17 fields a process_creation event scans.
  enum Lookup : uint8_t {
    kWholeTexts = 1,
    kPrefixes = 2,
    kSuffixes = 4,
    kPinned = 8,
    kAnywhere = 16,  // the Hyperscan database
    kGrams = 32,
  };
  static uint8_t lookups_of(const FieldDatabase& fd);
  // Compile-time: literal -> the ids of the patterns requiring it.
  using LiteralIds = std::map<std::string, std::vector<uint64_t>, std::less<>>;
  struct PendingField {
    LiteralIds anywhere, whole_texts, prefixes, suffixes;
  };
  uint32_t add_literal(FieldDatabase& fd, LiteralIds::value_type& literal,
                       std::vector<uint64_t>& on_several);

  // fields_'s index of a field id (SIZE_MAX: none): keyword groups first.
  size_t slot(int field_id) const;
  // A keyword field whose database holds the pattern of `bit` (nullopt: none).
  std::optional<int> keyword_field_of(uint32_t bit) const;

  std::vector<PendingField> pending_keywords_, pending_fields_;  // by group, by field id
  std::unordered_map<uint64_t, int> pending_keyword_field_;      // pattern id -> a group's field
  std::unordered_set<uint64_t> gate_patterns_;                   // ids, from add_gate_pattern
  // No keyword literal can occur in the text of a number or a boolean (each
  // has a character no such text has): keyword scans skip those values.
  bool keywords_need_only_strings_ = false;
  size_t keyword_groups_ = 0;
  std::vector<FieldDatabase> fields_;                   // the keyword groups, then the fields by id
  std::vector<uint8_t> lookups_;                        // by slot, as fields_: Lookup bits
  std::unordered_map<uint32_t, int> keyword_field_of_;  // bit -> a keyword field holding it
  uint64_t base_ = 0;                                   // pattern id of bit 0
  uint32_t bit_count_ = 0;                              // range of pattern ids
  std::vector<uint64_t> screened_;
  // Patterns screened on one field only: their bit says the literal is in
  // that field's text, not merely in some field's.
  std::vector<uint64_t> one_field_;
  uint64_t id_;  // unique per index, never reused: keys the per-thread scratch
};

// Calls f(test, pattern) for each pattern collect(matcher, patterns)
// appends for the matchers of the rule's field tests.
template <typename Collect, typename F>
void for_each_test_pattern(const Rule& rule, Collect&& collect, F&& f) {
  std::vector<const StringPattern*> patterns;
  for (const auto& id : rule.identifiers) {
    for (const auto& alt : id.alternatives) {
      for (const auto& t : alt.tests) {
        patterns.clear();
        for (const auto& m : t.values) collect(*m, patterns);
        for (const auto* p : patterns) f(t, *p);
      }
    }
  }
}

// Calls f(test, pattern) for each string pattern of the rule's field tests
// that the prefilter can screen (ValueMatcher::screened_patterns).
template <typename F>
void for_each_screened(const Rule& rule, F&& f) {
  const auto screened = [](const ValueMatcher& m, std::vector<const StringPattern*>& out) {
    m.screened_patterns(out);
  };
  for_each_test_pattern(rule, screened, std::forward<F>(f));
}

// Calls f(test, pattern) for each pattern the rule's matchers screen while
// it is evaluated (ValueMatcher::evaluation_screens).
template <typename F>
void for_each_evaluation_screen(const Rule& rule, F&& f) {
  const auto screens = [](const ValueMatcher& m, std::vector<const StringPattern*>& out) {
    m.evaluation_screens(out);
  };
  for_each_test_pattern(rule, screens, std::forward<F>(f));
}

// Schema-independent form: clauses of (rule slot, pattern) pairs, or nullopt
// when the rule can match without any screened literal (e.g. `not`, regexes,
// numbers).
struct SlotLiteral {
  int slot;
  const StringPattern* pattern;
  size_t weight = 1;  // LiteralWeights::weight of its literal
};
inline constexpr size_t kMaxGateClauses = 2;
// Literals of at most this many bytes (a space, `\`, `-c`) are in nearly
// every text of their field.
inline constexpr size_t kShortLiteral = 2;

// How often a literal is expected to open gates, relative to the others:
// the number of screened patterns of the whole rule set that require it.
// Rules are written about common things, so a literal many patterns share
// (`\powershell.exe`: 181 of SigmaHQ's process_creation Image patterns) is
// common in events too, and each time it occurs it sets all their bits and
// opens all their gates. A literal of one or two bytes weighs more than any
// shared one. Gates are built from the lightest clauses.
class LiteralWeights {
 public:
  void add(const Rule& rule);
  // At least 1 (a literal no rule added weighs 1).
  size_t weight(std::string_view literal) const;

 private:
  std::unordered_map<std::string, size_t, StringHash, std::equal_to<>> counts_;
};

std::optional<std::vector<std::vector<SlotLiteral>>> rule_gate(const Rule& rule,
                                                               const LiteralWeights& weights);

// One event's scan results. Not thread-safe; one per event being matched.
class LiteralScan {
 public:
  LiteralScan(const LiteralIndex& index, const EventFields& fields);
  ~LiteralScan();
  LiteralScan(const LiteralScan&) = delete;
  LiteralScan& operator=(const LiteralScan&) = delete;

  enum class Screen {
    kAbsent,  // the literal is not in the text: `p` cannot match
    kFound,   // the literal is in this very text
    kMaybe,   // not screened, or found in some text of the field
  };
  // Inline up to the bit: nearly half the patterns tested (a filter's) are
  // not screened, and answer kMaybe without a call.
  Screen screen(const Subject& s, const StringPattern& p) {
    if (s.field_id() == kEveryText && &p == absent_keyword_) return Screen::kAbsent;
    if (failed_ || s.field_id() < kEveryText) return Screen::kMaybe;
    const auto b = index_.bit_of(p);
    return b ? screen_bit(s, p, *b) : Screen::kMaybe;
  }
  void scan_fields(const std::vector<int>& field_ids);
  // From now on each literal found also opens its gate clauses in `open`
  // (bits by gate id; LiteralIndex::set_opened_gates), which must outlive
  // the scan.
  void open_gates_into(uint64_t* open) { open_ = open; }
  // False when Hyperscan failed: then every bit must be taken as set.
  bool ok() const { return !failed_; }

 private:
  void scan_field(int field_id);
  void scan_every_text(const LiteralIndex::FieldDatabase& fdb, uint8_t lookups);
  std::string_view joined_texts();
  Screen screen_bit(const Subject& s, const StringPattern& p, uint32_t b);
  void scan_text(const LiteralIndex::FieldDatabase& fdb, uint8_t lookups, std::string_view text);
  // The Hyperscan scan of the literals that may occur anywhere in the text.
  void scan_anywhere(const LiteralIndex::FieldDatabase& fdb, uint8_t lookups,
                     std::string_view text);
  bool ensure_scratch();
  void set_bits(const LiteralIndex::FieldDatabase& fdb, uint32_t literal);
  void report_literal(uint32_t literal);
  bool bit(uint32_t i) const { return (bits_[i >> 6] >> (i & 63)) & 1; }
  friend int on_literal(unsigned int, unsigned long long, unsigned long long, unsigned int, void*);

  const LiteralIndex& index_;
  const EventFields& fields_;
  ScanBuffers* buffers_ = nullptr;  // this thread's, or owned_ when those are busy
  std::unique_ptr<ScanBuffers> owned_;
  uint64_t* bits_ = nullptr;
  uint64_t* open_ = nullptr;  // gate clauses opened (open_gates_into), or none
  const LiteralIndex::FieldDatabase* scanning_ = nullptr;
  const StringPattern* absent_keyword_ = nullptr;  // the last keyword screened absent
  bool failed_ = false;  // Hyperscan could not scan: every pattern stays a candidate
  bool joined_ = false;  // the event's texts are joined (for every keyword group)
};

}  // namespace vigil::sigma
