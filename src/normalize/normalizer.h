// Gives every event the canonical (ECS) fields later stages read, copied from
// whichever alias the source used (the seed's `user_id`, ECS `user.name`, ...).
// The original fields stay in the document untouched.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/event.h"
#include "core/field_path.h"
#include "core/key_table.h"

namespace vigil {

class Normalizer {
 public:
  explicit Normalizer(const NormalizeConfig& config);

  // Adds each missing canonical field from the first alias present, then
  // `@timestamp` (RFC 3339, UTC) from the event time.
  void normalize(Event& event) const;

 private:
  static constexpr uint16_t kNoSlot = UINT16_MAX;
  class TopLevelIndex;

  // A path whose first segment (and, for a dotted path, whose whole dotted
  // name as one flat key) is looked up through a per-event index of the
  // document's top-level keys, instead of scanning them for every alias.
  struct IndexedPath {
    FieldPath path;
    uint16_t head = kNoSlot;
    uint16_t flat = kNoSlot;
    // The bits of `head` and `flat` in TopLevelIndex::present(); 0 when either
    // slot is past the mask's 64 (then the path is always looked up).
    uint64_t top_level_bits = 0;
  };
  struct Alias {
    IndexedPath canonical;
    std::vector<IndexedPath> sources;
  };

  IndexedPath indexed(std::string_view dotted);
  uint16_t slot_for(const std::string& name);
  // False only when neither the path's first segment nor its flat dotted name
  // is a top-level member: then find() is null without looking.
  static bool may_be_present(const IndexedPath& p, const TopLevelIndex& index);
  const Value* find(const IndexedPath& p, const Value& doc, const TopLevelIndex& index) const;
  uint16_t set(const IndexedPath& p, Value& doc, const TopLevelIndex& index, Value v) const;

  static constexpr std::string_view kTimestampField = "@timestamp";

  std::vector<Alias> aliases_;
  // Every top-level key an alias reads, and `@timestamp` -> its slot in the
  // per-event index.
  KeyTable slots_;
  uint16_t timestamp_slot_ = kNoSlot;
};

}  // namespace vigil
