// FieldPath::find for the many lookups a reader makes in one event. When an
// event lacks a nested path, FieldPath::find also scans the whole top level
// for a flat key spelling the dotted path. Events carry few such keys (the
// normalizer writes "host.name" flat where the sender's "host" is a
// string), so EventFields notes them in one pass over the top level and
// compares a missing path with those only: the same results, without a
// top-level scan for each field the event lacks (the readers of both
// detectors look up ~20 fields an event, many of them absent).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "core/field_path.h"
#include "core/value.h"

namespace vigil::behavior {

class EventFields {
 public:
  explicit EventFields(const Value& doc);

  const Value& doc() const { return doc_; }

  // What path.find(doc()) returns.
  const Value* find(const FieldPath& path) const { return below(&doc_, path, 0); }
  // The same for a path whose first `depth` segments led to `at` (walked
  // from doc() without flat keys; null when they lead nowhere).
  const Value* below(const Value* at, const FieldPath& path, size_t depth) const {
    const auto& segments = path.segments();
    for (size_t i = depth; i < segments.size() && at != nullptr; ++i) at = at->find(segments[i]);
    if (at != nullptr || segments.size() <= 1) return at;
    return flat(path.str());
  }
  // The value at path when it is a non-empty string.
  const std::string* string_at(const FieldPath& path) const {
    const Value* v = find(path);
    return v != nullptr && v->is_string() && !v->as_string().empty() ? &v->as_string() : nullptr;
  }

 private:
  // doc().find(dotted) for a key with a dot.
  const Value* flat(std::string_view dotted) const;

  static constexpr size_t kNoted = 8;  // more dotted keys: scan the top level
  const Value& doc_;
  std::array<const Member*, kNoted> dotted_{};  // in document order
  uint8_t count_ = 0;
  bool overflow_ = false;
};

}  // namespace vigil::behavior
