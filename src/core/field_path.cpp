#include "core/field_path.h"

#include <algorithm>
#include <cstring>

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

namespace {

template <typename T>
uint64_t load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// A hash of a member name for the walk's table, inline and branch-light:
// the first and last eight bytes (or four, or three single bytes) and the
// length. Names that agree there collide and are told apart by comparing.
uint64_t key_hash(uint32_t parent, std::string_view key) {
  const char* p = key.data();
  const size_t n = key.size();
  uint64_t a = 0, b = 0;
  if (n >= 8) {
    a = load<uint64_t>(p);
    b = load<uint64_t>(p + n - 8);
  } else if (n >= 4) {
    a = load<uint32_t>(p);
    b = load<uint32_t>(p + n - 4);
  } else if (n > 0) {
    a = uint64_t{static_cast<unsigned char>(p[0])} |
        uint64_t{static_cast<unsigned char>(p[n / 2])} << 8 |
        uint64_t{static_cast<unsigned char>(p[n - 1])} << 16;
  }
  uint64_t h = (a * 0x9E3779B97F4A7C15ull) ^ (b + n) ^ (uint64_t{parent} << 40);
  h *= 0xC2B2AE3D27D4EB4Full;
  return h ^ (h >> 29);
}

}  // namespace

// One thread's walk state. `seen` marks which nodes the current walk has met,
// so that a key occurring twice in one object counts once, by its first
// occurrence (as Value::find sees it).
struct FieldPathSet::Walk {
  std::vector<uint32_t> seen;  // by node: the walk that last met it
  uint32_t epoch = 0;
  std::vector<const Value*>* values = nullptr;
  std::vector<std::pair<uint32_t, const Value*>> flat;  // path id, flat key's value
};

FieldPathSet::FieldPathSet() : nodes_(1), keys_(1), slots_(16) {}

uint32_t FieldPathSet::child(uint32_t parent, std::string_view key) const {
  const uint64_t h = key_hash(parent, key);
  const size_t mask = slots_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (s.node == 0) return 0;
    if (s.hash == h && s.parent == parent && keys_[s.node] == key) return s.node;
  }
}

size_t FieldPathSet::filter_bit(std::string_view key) {
  if (key.empty()) return 0;
  return (key.size() * 13 + static_cast<unsigned char>(key.front()) * 7 +
          static_cast<unsigned char>(key.back())) &
         255;
}

uint32_t FieldPathSet::add_child(uint32_t parent, std::string_view key) {
  if (const uint32_t existing = child(parent, key); existing != 0) return existing;
  // At most a quarter full: a miss (most of an event's keys) ends at once.
  if ((nodes_.size() + 1) * 4 > slots_.size()) grow();
  const auto node = static_cast<uint32_t>(nodes_.size());
  nodes_.emplace_back();
  keys_.emplace_back(key);
  nodes_[parent].has_children = true;
  const size_t bit = filter_bit(key);
  key_filter_[bit >> 6] |= uint64_t{1} << (bit & 63);
  const uint64_t h = key_hash(parent, key);
  const size_t mask = slots_.size() - 1;
  size_t i = h & mask;
  while (slots_[i].node != 0) i = (i + 1) & mask;
  slots_[i] = {h, parent, node};
  return node;
}

void FieldPathSet::grow() {
  std::vector<Slot> old(slots_.size() * 2);
  old.swap(slots_);
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.node == 0) continue;
    size_t i = s.hash & mask;
    while (slots_[i].node != 0) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

uint32_t FieldPathSet::add(std::string_view dotted) {
  FieldPath path(dotted);
  uint32_t node = 0;
  for (const auto& seg : path.segments()) node = add_child(node, seg);
  if (nodes_[node].field >= 0) return static_cast<uint32_t>(nodes_[node].field);
  const auto id = static_cast<uint32_t>(paths_.size());
  nodes_[node].field = static_cast<int32_t>(id);
  paths_.push_back(std::move(path));
  if (paths_.back().segments().size() > 1) {
    // Shippers also send the path as one flat key ("user.name": ...).
    nodes_[add_child(0, dotted)].flat_field = static_cast<int32_t>(id);
  }
  return id;
}

void FieldPathSet::walk(const Value& object, uint32_t node, Walk& w) const {
  for (const auto& [key, v] : object.as_object()) {
    if (!may_be_child(key)) continue;
    const uint32_t c = child(node, key);
    if (c == 0 || w.seen[c] == w.epoch) continue;
    w.seen[c] = w.epoch;
    const Node& n = nodes_[c];
    if (n.field >= 0) (*w.values)[static_cast<size_t>(n.field)] = &v;
    if (n.flat_field >= 0) w.flat.emplace_back(static_cast<uint32_t>(n.flat_field), &v);
    if (n.has_children && v.is_object()) walk(v, c, w);
  }
}

void FieldPathSet::resolve(const Value& doc, std::vector<const Value*>& values) const {
  values.assign(paths_.size(), nullptr);
  if (!doc.is_object() || paths_.empty()) return;
  thread_local Walk w;
  if (w.seen.size() < nodes_.size()) w.seen.resize(nodes_.size(), w.epoch);
  if (++w.epoch == 0) {
    // Wrapped after 2^32 walks: forget every mark so that none looks current.
    std::fill(w.seen.begin(), w.seen.end(), 0);
    w.epoch = 1;
  }
  w.values = &values;
  w.flat.clear();
  walk(doc, 0, w);
  for (const auto& [id, v] : w.flat) {
    if (values[id] == nullptr) values[id] = v;
  }
}

}  // namespace vigil
