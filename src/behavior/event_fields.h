// FieldPath::find for the many lookups a reader makes in one event. When an
// event lacks a nested path, FieldPath::find also scans the whole top level
// for a flat key spelling the dotted path; an event none of whose top-level
// keys holds a dot (a normalized event, as a rule) has no such key, so
// EventFields looks once and skips those scans: the same results, without
// a top-level scan for each field the event does not carry (the readers of
// both detectors look up ~20 fields an event, most of them absent).
#pragma once

#include <string>

#include "core/field_path.h"
#include "core/value.h"

namespace vigil::behavior {

class EventFields {
 public:
  explicit EventFields(const Value& doc) : doc_(doc), dotted_keys_(has_dotted_key(doc)) {}

  const Value& doc() const { return doc_; }
  bool has_dotted_keys() const { return dotted_keys_; }

  // What path.find(doc()) returns.
  const Value* find(const FieldPath& path) const { return below(&doc_, path, 0); }
  // The same for a path whose first `depth` segments led to `at` (walked
  // from doc() without flat keys; null when they lead nowhere).
  const Value* below(const Value* at, const FieldPath& path, size_t depth) const {
    const auto& segments = path.segments();
    for (size_t i = depth; i < segments.size() && at != nullptr; ++i) at = at->find(segments[i]);
    if (at != nullptr || segments.size() <= 1 || !dotted_keys_) return at;
    return doc_.find(path.str());
  }
  // The value at path when it is a non-empty string.
  const std::string* string_at(const FieldPath& path) const {
    const Value* v = find(path);
    return v != nullptr && v->is_string() && !v->as_string().empty() ? &v->as_string() : nullptr;
  }

 private:
  static bool has_dotted_key(const Value& doc) {
    if (!doc.is_object()) return false;
    for (const auto& member : doc.as_object()) {
      if (member.first.find('.') != std::string::npos) return true;
    }
    return false;
  }

  const Value& doc_;
  bool dotted_keys_;
};

}  // namespace vigil::behavior
