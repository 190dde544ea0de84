#include "core/field_path.h"

#include <algorithm>

namespace vigil {

FieldPath::FieldPath(std::string_view dotted) : dotted_(dotted) {
  size_t start = 0;
  while (start <= dotted.size()) {
    size_t dot = dotted.find('.', start);
    if (dot == std::string_view::npos) dot = dotted.size();
    segments_.emplace_back(dotted.substr(start, dot - start));
    start = dot + 1;
  }
}

const Value* FieldPath::find(const Value& doc) const {
  if (segments_.empty()) return nullptr;
  const Value* cur = &doc;
  for (const auto& seg : segments_) {
    cur = cur->find(seg);
    if (cur == nullptr) break;
  }
  if (cur != nullptr || segments_.size() == 1) return cur;
  return doc.find(dotted_);
}

Value& FieldPath::set(Value& doc, Value v) const {
  Value* cur = &doc;
  for (size_t i = 0; i + 1 < segments_.size(); ++i) {
    Value* next = cur->find(segments_[i]);
    if (next == nullptr) {
      next = &cur->set(segments_[i], Object{});
    } else if (!next->is_object()) {
      // A scalar already sits on the way ("user": "alice"): never clobber
      // data the event carried; keep the field under its flat dotted key.
      return doc.set(dotted_, std::move(v));
    }
    cur = next;
  }
  return cur->set(segments_.back(), std::move(v));
}

// One thread's walk state. `seen` marks which nodes the current walk has met,
// so that a key occurring twice in one object counts once, by its first
// occurrence (as Value::find sees it).
struct FieldPathSet::Walk {
  std::vector<uint32_t> seen;  // by node: the walk that last met it
  uint32_t epoch = 0;
  const Value** values = nullptr;
  std::vector<std::pair<uint32_t, const Value*>> flat;  // path id, flat key's value
};

FieldPathSet::FieldPathSet() : nodes_(1) {}

uint32_t FieldPathSet::add_child(uint32_t parent, std::string_view key) {
  const auto next = static_cast<uint32_t>(nodes_.size());
  const uint32_t node = children_.insert(parent, key, next);
  if (node == next) nodes_.emplace_back();
  nodes_[parent].has_children = true;
  return node;
}

uint32_t FieldPathSet::add(std::string_view dotted) {
  FieldPath path(dotted);
  uint32_t node = 0;
  for (const auto& seg : path.segments()) node = add_child(node, seg);
  if (nodes_[node].field >= 0) return static_cast<uint32_t>(nodes_[node].field);
  const uint32_t id = size_++;
  nodes_[node].field = static_cast<int32_t>(id);
  if (path.segments().size() > 1) {
    // Shippers also send the path as one flat key ("user.name": ...).
    nodes_[add_child(0, dotted)].flat_field = static_cast<int32_t>(id);
  }
  return id;
}

void FieldPathSet::walk(const Value& object, uint32_t node, Walk& w) const {
  for (const auto& [key, v] : object.as_object()) {
    const uint32_t c = children_.find(node, key);
    if (c == KeyTable::kAbsent || w.seen[c] == w.epoch) continue;
    w.seen[c] = w.epoch;
    const Node& n = nodes_[c];
    if (n.field >= 0) w.values[n.field] = &v;
    if (n.flat_field >= 0) w.flat.emplace_back(static_cast<uint32_t>(n.flat_field), &v);
    if (n.has_children && v.is_object()) walk(v, c, w);
  }
}

void FieldPathSet::resolve(const Value& doc, std::vector<const Value*>& values) const {
  values.resize(size_);
  resolve(doc, std::span<const Value*>(values));
}

void FieldPathSet::resolve(const Value& doc, std::span<const Value*> values) const {
  std::fill_n(values.begin(), size_, nullptr);
  if (!doc.is_object() || size_ == 0) return;
  thread_local Walk w;
  if (w.seen.size() < nodes_.size()) w.seen.resize(nodes_.size(), w.epoch);
  if (++w.epoch == 0) {
    // Wrapped after 2^32 walks: forget every mark so that none looks current.
    std::fill(w.seen.begin(), w.seen.end(), 0);
    w.epoch = 1;
  }
  w.values = values.data();
  w.flat.clear();
  walk(doc, 0, w);
  for (const auto& [id, v] : w.flat) {
    if (values[id] == nullptr) values[id] = v;
  }
}

}  // namespace vigil
