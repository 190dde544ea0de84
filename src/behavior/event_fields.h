// The fields the behaviour and ML readers look up in an event (~20, many of
// them absent) are compiled into one FieldPathSet when a reader is made, and
// found per event in one walk of the event: each key of the document (and of
// the objects on the way to a path) is looked up once, instead of every
// field searching the document on its own. The values are FieldPath::find's:
// the nested form before the flat dotted key ("host.name" as the normalizer
// writes it flat), the first of duplicate keys.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/field_path.h"
#include "core/value.h"

namespace vigil::behavior {

// A path's id in the FieldPathSet a reader compiled.
using FieldId = uint32_t;

// One event's values of the paths of a FieldPathSet, found when it is made.
// Not copyable (it may point into itself); one per event, shared by the
// readers of that event that compiled their paths into the same set.
class EventFields {
 public:
  EventFields(const FieldPathSet& paths, const Value& doc);
  EventFields(const EventFields&) = delete;
  EventFields& operator=(const EventFields&) = delete;

  // What FieldPath(path).find(doc) returns, for the path with this id.
  const Value* find(FieldId id) const { return values_[id]; }
  // That value when it is a non-empty string.
  const std::string* string_at(FieldId id) const {
    const Value* v = find(id);
    return v != nullptr && v->is_string() && !v->as_string().empty() ? &v->as_string() : nullptr;
  }

 private:
  static constexpr size_t kInline = 32;  // more paths: a vector
  std::array<const Value*, kInline> inline_;
  std::vector<const Value*> more_;
  std::span<const Value*> values_;
};

}  // namespace vigil::behavior
