// A dotted field path ("user.name", "Event.EventData.CommandLine") split once,
// so lookups on the hot path never re-split strings.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/key_table.h"
#include "core/value.h"

namespace vigil {

class FieldPath {
 public:
  FieldPath() = default;
  explicit FieldPath(std::string_view dotted);

  const std::string& str() const { return dotted_; }
  bool empty() const { return segments_.empty(); }
  const std::vector<std::string>& segments() const { return segments_; }

  // Resolves the path in a document. A flat key containing the whole dotted
  // path ("user.name": ...) is honoured too, because shippers send both forms.
  const Value* find(const Value& doc) const;
  // Creates intermediate objects as needed and replaces an existing leaf. When
  // a scalar blocks the way, the value goes under the flat dotted key instead.
  Value& set(Value& doc, Value v) const;

 private:
  std::string dotted_;
  std::vector<std::string> segments_;
};

// Many dotted paths resolved together in one walk of a document: each key of
// the document (and of the objects on the way to a path) is hashed once and
// looked up, instead of every path scanning the document's members on its
// own. What a path resolves to is exactly what FieldPath::find returns: the
// first member of each name, the nested form before the flat dotted key.
class FieldPathSet {
 public:
  FieldPathSet();

  // The id of `dotted` (ids are dense, in order of first addition).
  uint32_t add(std::string_view dotted);
  size_t size() const { return size_; }

  // values[id] = the path's value in `doc`, or nullptr; `values` is resized
  // to size(). Const and thread-safe: threads share one set.
  void resolve(const Value& doc, std::vector<const Value*>& values) const;
  // The same into a buffer of the caller's (no allocation per document):
  // `values` must hold size() pointers.
  void resolve(const Value& doc, std::span<const Value*> values) const;

 private:
  // A node is a path prefix; `field` is the path ending there (-1: none),
  // `flat_field` the path whose whole dotted text is this top-level key.
  struct Node {
    int32_t field = -1;
    int32_t flat_field = -1;
    bool has_children = false;
  };
  uint32_t add_child(uint32_t parent, std::string_view key);
  struct Walk;
  void walk(const Value& object, uint32_t node, Walk& w) const;

  uint32_t size_ = 0;
  std::vector<Node> nodes_;
  KeyTable children_;  // (parent node, key) -> child node
};

}  // namespace vigil
