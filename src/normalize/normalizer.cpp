#include "normalize/normalizer.h"

#include <array>

#include "core/timestamp.h"

namespace vigil {

// For each slot, the position (+1; 0 = absent) of the first top-level member
// with that name. One pass over the members replaces a linear scan per alias
// per segment, which was ~18 % of the instructions of a replay.
class Normalizer::TopLevelIndex {
 public:
  TopLevelIndex(const decltype(Normalizer::slots_)& slots, const Object& doc) {
    if (slots.size() > positions_.size()) overflow_.resize(slots.size());
    data_ = slots.size() > positions_.size() ? overflow_.data() : positions_.data();
    std::fill_n(data_, slots.size(), 0);
    for (size_t i = 0; i < doc.size(); ++i) {
      const uint32_t slot = slots.find(0, doc[i].first);
      if (slot != KeyTable::kAbsent && data_[slot] == 0) record(static_cast<uint16_t>(slot), i);
    }
  }

  // Bit s set when slot s (< 64) names a top-level member: most aliases name
  // fields an event does not have, and a bit test answers them.
  uint64_t present() const { return present_; }

  const Value* member(uint16_t slot, const Object& doc) const {
    if (slot == kNoSlot || data_[slot] == 0) return nullptr;
    return &doc[data_[slot] - 1].second;
  }
  Value* member(uint16_t slot, Object& doc) const {
    if (slot == kNoSlot || data_[slot] == 0) return nullptr;
    return &doc[data_[slot] - 1].second;
  }

  // set() appended a top-level member at `position`, named by `slot`.
  void appended(uint16_t slot, size_t position) {
    if (slot != kNoSlot && data_[slot] == 0) record(slot, position);
  }

 private:
  void record(uint16_t slot, size_t position) {
    data_[slot] = position + 1;
    if (slot < 64) present_ |= uint64_t{1} << slot;
  }

  uint64_t present_ = 0;
  std::array<size_t, 64> positions_;
  std::vector<size_t> overflow_;
  size_t* data_ = nullptr;
};

Normalizer::Normalizer(const NormalizeConfig& config) {
  for (const auto& [canonical, sources] : config.aliases) {
    Alias a{indexed(canonical), {}};
    for (const auto& s : sources) a.sources.push_back(indexed(s));
    aliases_.push_back(std::move(a));
  }
  timestamp_slot_ = slot_for(std::string(kTimestampField));
}

Normalizer::IndexedPath Normalizer::indexed(std::string_view dotted) {
  IndexedPath p{FieldPath(dotted)};
  if (p.path.empty()) return p;
  p.head = slot_for(p.path.segments().front());
  if (p.path.segments().size() > 1) p.flat = slot_for(p.path.str());
  const auto bit = [](uint16_t slot) { return slot == kNoSlot ? 0 : uint64_t{1} << slot; };
  if (p.head < 64 && (p.flat == kNoSlot || p.flat < 64))
    p.top_level_bits = bit(p.head) | bit(p.flat);
  return p;
}

bool Normalizer::may_be_present(const IndexedPath& p, const TopLevelIndex& index) {
  return p.top_level_bits == 0 || (index.present() & p.top_level_bits) != 0;
}

uint16_t Normalizer::slot_for(const std::string& name) {
  return static_cast<uint16_t>(slots_.insert(0, name, static_cast<uint32_t>(slots_.size())));
}

// FieldPath::find's semantics (nested walk, then the whole dotted name as a
// flat key), with the top-level steps answered by the index.
const Value* Normalizer::find(const IndexedPath& p, const Value& doc,
                              const TopLevelIndex& index) const {
  const Object& object = doc.as_object();
  const Value* cur = index.member(p.head, object);
  const auto& segments = p.path.segments();
  for (size_t i = 1; cur != nullptr && i < segments.size(); ++i) cur = cur->find(segments[i]);
  if (cur != nullptr || segments.size() <= 1) return cur;
  return index.member(p.flat, object);
}

// FieldPath::set's semantics, with the top-level step answered by the index:
// a scalar already on the way keeps the value under the flat dotted key.
// Returns the slot naming the top-level member it appended, if it did (a
// top-level member is only ever appended: the canonical field was absent).
uint16_t Normalizer::set(const IndexedPath& p, Value& doc, const TopLevelIndex& index,
                         Value v) const {
  // The canonical field is absent (normalize() checked), so neither its name
  // nor its flat dotted name is a member yet: appended without a search.
  const auto& segments = p.path.segments();
  Object& object = doc.as_object();
  if (segments.size() == 1) {
    object.emplace_back(segments.front(), std::move(v));
    return p.head;
  }
  Value* cur = index.member(p.head, object);
  uint16_t appended = kNoSlot;
  if (cur == nullptr && segments.size() == 2) {
    // A new canonical object, built holding its one member (event.action,
    // source.ip, session.id, ...): most never get a second, and an object
    // grown member by member reserves room for four.
    Object holder;
    holder.reserve(1);
    holder.emplace_back(segments.back(), std::move(v));
    object.emplace_back(segments.front(), std::move(holder));
    return p.head;
  }
  if (cur == nullptr) {
    cur = &object.emplace_back(segments.front(), Object{}).second;
    appended = p.head;
  } else if (!cur->is_object()) {
    object.emplace_back(p.path.str(), std::move(v));
    return p.flat;
  }
  for (size_t i = 1; i + 1 < segments.size(); ++i) {
    Value* next = cur->find(segments[i]);
    if (next == nullptr) {
      next = &cur->set(segments[i], Object{});
    } else if (!next->is_object()) {
      object.emplace_back(p.path.str(), std::move(v));
      return p.flat;
    }
    cur = next;
  }
  cur->set(segments.back(), std::move(v));
  return appended;
}

void Normalizer::normalize(Event& event) const {
  if (!event.doc.is_object()) event.doc = Value(Object{});
  TopLevelIndex index(slots_, event.doc.as_object());
  for (const auto& alias : aliases_) {
    if (alias.canonical.path.empty()) continue;
    if (may_be_present(alias.canonical, index) &&
        find(alias.canonical, event.doc, index) != nullptr) {
      continue;
    }
    for (const auto& source : alias.sources) {
      if (!may_be_present(source, index)) continue;
      const Value* v = find(source, event.doc, index);
      // Objects are not a value a canonical scalar field can take ("user": {...}).
      if (v == nullptr || v->is_null() || v->is_object()) continue;
      const uint16_t slot = set(alias.canonical, event.doc, index, Value(*v));
      index.appended(slot, event.doc.as_object().size() - 1);
      break;
    }
  }
  Object& object = event.doc.as_object();
  if (Value* ts = index.member(timestamp_slot_, object)) {
    *ts = Value(format_rfc3339(event.time));
  } else {
    object.emplace_back(std::string(kTimestampField), format_rfc3339(event.time));
  }
}

}  // namespace vigil
