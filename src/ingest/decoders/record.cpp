#include "ingest/decoders/record.h"

#include <algorithm>
#include <cstring>

#include "core/strings.h"

namespace vigil::decode {

void put(Value& doc, std::string_view dotted, Value v) {
  Value* cur = &doc;
  size_t start = 0;
  for (size_t dot = dotted.find('.'); dot != std::string_view::npos;
       dot = dotted.find('.', start)) {
    const std::string_view seg = dotted.substr(start, dot - start);
    Value* next = cur->find(seg);
    if (next == nullptr) {
      next = &cur->set(seg, Object{});
    } else if (!next->is_object()) {
      doc.set(dotted, std::move(v));  // a scalar is in the way: keep the flat key
      return;
    }
    cur = next;
    start = dot + 1;
  }
  cur->set(dotted.substr(start), std::move(v));
}

// The layout of one sequence of paths: the paths (to confirm a match) and
// the steps of the node tree place() made for them.
struct DocBuilder::Shape {
  uint64_t signature = 0;
  std::string paths;
  std::vector<uint32_t> sizes;
  std::vector<Step> steps;
};

namespace {
constexpr size_t kShapes = 128;  // kinds of line a decoder meets; more only cost a rebuild
// Slots a shape may take, from the one its signature picks: with one slot, two of
// the sshd sample's 22 shapes shared a slot and evicted each other (a rebuild on
// 4 % of its lines).
constexpr size_t kWays = 4;
}  // namespace

DocBuilder::DocBuilder() : shapes_(kShapes) {}
DocBuilder::~DocBuilder() = default;

std::string_view DocBuilder::keep(std::string text) {
  return kept_.emplace_back(std::move(text));
}

void DocBuilder::clear() {
  fields_.clear();
  if (!values_.empty()) values_.clear();
  paths_.clear();
  signature_ = 0;
  if (!kept_.empty()) kept_.clear();
}

int32_t DocBuilder::child(int32_t parent, uint32_t key_at, uint32_t key_size) {
  const std::string_view key = text(key_at, key_size);
  for (int32_t c = nodes_[static_cast<size_t>(parent)].first_child; c >= 0;
       c = nodes_[static_cast<size_t>(c)].next) {
    const Node& n = nodes_[static_cast<size_t>(c)];
    if (n.key_size == key_size && text(n.key_at, n.key_size) == key) return c;
  }
  const auto made = static_cast<int32_t>(nodes_.size());
  Node& m = nodes_.emplace_back();
  m.key_at = key_at;
  m.key_size = key_size;
  Node& p = nodes_[static_cast<size_t>(parent)];
  if (p.last_child >= 0) {
    nodes_[static_cast<size_t>(p.last_child)].next = made;
  } else {
    p.first_child = made;
  }
  p.last_child = made;
  ++p.children;
  return made;
}

void DocBuilder::place(int32_t field) {
  const Field& f = fields_[static_cast<size_t>(field)];
  int32_t cur = 0;
  uint32_t start = 0;
  for (uint32_t i = 0; i < f.path_size; ++i) {
    if (paths_[f.path_at + i] != '.') continue;
    const int32_t next = child(cur, f.path_at + start, i - start);
    if (nodes_[static_cast<size_t>(next)].field >= 0) {
      cur = child(0, f.path_at, f.path_size);  // a scalar is in the way: the flat dotted key
      nodes_[static_cast<size_t>(cur)].field = field;
      return;
    }
    cur = next;
    start = i + 1;
  }
  Node& leaf = nodes_[static_cast<size_t>(child(cur, f.path_at + start, f.path_size - start))];
  leaf.field = field;
  leaf.first_child = leaf.last_child = -1;  // a scalar replaces an object, as Value::set does
  leaf.children = 0;
}

bool DocBuilder::holds_these_paths(const Shape& shape) const {
  if (shape.signature != signature_ || shape.sizes.size() != fields_.size() ||
      shape.paths != paths_)
    return false;
  for (size_t i = 0; i < fields_.size(); ++i) {  // the same bytes could split into other paths
    if (shape.sizes[i] != fields_[i].path_size) return false;
  }
  return true;
}

const std::vector<DocBuilder::Step>& DocBuilder::layout() {
  const size_t first = static_cast<size_t>((signature_ ^ (signature_ >> 29)) % kShapes);
  std::unique_ptr<Shape>* free_slot = nullptr;
  for (size_t way = 0; way < kWays; ++way) {
    std::unique_ptr<Shape>& slot = shapes_[(first + way) % kShapes];
    if (!slot) {
      if (free_slot == nullptr) free_slot = &slot;
    } else if (holds_these_paths(*slot)) {
      return slot->steps;
    }
  }
  ++shapes_built_;
  nodes_.clear();
  nodes_.emplace_back();
  for (size_t i = 0; i < fields_.size(); ++i) place(static_cast<int32_t>(i));
  // A full set gives up its ways in turn.
  std::unique_ptr<Shape>& shape =
      free_slot != nullptr ? *free_slot : shapes_[(first + evict_next_++ % kWays) % kShapes];
  if (!shape) shape = std::make_unique<Shape>();
  shape->signature = signature_;
  shape->paths = paths_;
  shape->sizes.clear();
  for (const Field& f : fields_) shape->sizes.push_back(f.path_size);
  shape->steps.clear();
  shape->steps.push_back(Step{0, 0, -1, nodes_[0].children});
  flatten(nodes_[0], shape->steps);
  return shape->steps;
}

void DocBuilder::flatten(const Node& n, std::vector<Step>& steps) const {
  for (int32_t c = n.first_child; c >= 0; c = nodes_[static_cast<size_t>(c)].next) {
    const Node& k = nodes_[static_cast<size_t>(c)];
    steps.push_back(Step{k.key_at, k.key_size, k.field, k.children});
    if (k.field < 0) flatten(k, steps);
  }
}

void DocBuilder::fill(Object& members, const Step*& step) {
  const uint32_t n = step->members;
  ++step;
  members.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    const Step& k = *step;
    const char* const name = paths_.data() + k.key_at;
    const auto key = std::forward_as_tuple(name, k.key_size);
    if (k.field < 0) {
      Member& m =
          members.emplace_back(std::piecewise_construct, key, std::forward_as_tuple(Object{}));
      fill(m.second.as_object(), step);
      continue;
    }
    ++step;
    Field& f = fields_[static_cast<size_t>(k.field)];
    switch (f.kind) {
      case Kind::kText:
        members.emplace_back(std::piecewise_construct, key, std::forward_as_tuple(f.text));
        break;
      case Kind::kInt:
        members.emplace_back(std::piecewise_construct, key, std::forward_as_tuple(f.number));
        break;
      case Kind::kBool:
        members.emplace_back(std::piecewise_construct, key, std::forward_as_tuple(f.number != 0));
        break;
      case Kind::kValue:
        members.emplace_back(
            std::piecewise_construct, key,
            std::forward_as_tuple(std::move(values_[static_cast<size_t>(f.number)])));
        break;
    }
  }
}

void DocBuilder::take_into(Value& doc) {
  doc = Value(Object{});
  if (!fields_.empty()) {
    const Step* step = layout().data();
    fill(doc.as_object(), step);
  }
  clear();
}

int month_from_abbrev(std::string_view m) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 12; ++i) {
    if (m == kMonths[i]) return i + 1;
  }
  return 0;
}

namespace {

void set_times(Event& e, std::optional<Timestamp> time, Timestamp received) {
  e.received = received;
  if (time) {
    e.time = *time;
  } else {
    e.time = received;
    e.time_from_receive = true;
  }
}

}  // namespace

Event make_event(Value doc, std::optional<Timestamp> time, Timestamp received) {
  Event e;
  set_times(e, time, received);
  e.doc = std::move(doc);
  if (!e.doc.is_object()) e.doc = Value(Object{});
  return e;
}

Event& add_event(std::optional<Timestamp> time, Timestamp received, DecodeResult& out) {
  Event& e = out.events.emplace_back();
  set_times(e, time, received);
  return e;
}

void emit_built(DocBuilder& doc, std::optional<Timestamp> time, Timestamp received,
                DecodeResult& out) {
  doc.take_into(add_event(time, received, out).doc);
}

void keep_unparsed(std::string_view line, std::string_view why, Timestamp received,
                   DecodeResult& out) {
  Value doc{Object{}};
  std::string_view kept = line;
  bool cut = false;
  if (kept.size() > kMaxLineBytes) {
    kept = kept.substr(0, kMaxLineBytes);
    while (!kept.empty() && (static_cast<unsigned char>(kept.back()) & 0xC0) == 0x80)
      kept.remove_suffix(1);  // never end inside a UTF-8 sequence
    if (!kept.empty() && static_cast<unsigned char>(kept.back()) >= 0xC0) kept.remove_suffix(1);
    cut = true;
  }
  put(doc, "event.original", Value(kept));
  put(doc, "error.type", Value("parse_error"));
  put(doc, "error.message", Value(why));
  if (cut) put(doc, "log.truncated", Value(true));
  ++out.read;
  ++out.flagged;
  out.events.push_back(make_event(std::move(doc), std::nullopt, received));
}

namespace {

bool ascii_32(const char* p) {
  uint64_t w[4];
  std::memcpy(w, p, sizeof w);
  return ((w[0] | w[1] | w[2] | w[3]) & 0x8080808080808080ULL) == 0;
}

}  // namespace

bool valid_utf8_line(std::string_view s) {
  // ASCII, the common case, checked 32 bytes at a time; the last 32 bytes of a
  // longer line in one more step, overlapping the ones before.
  if (s.size() >= 32) {
    for (size_t i = 0; i + 32 <= s.size(); i += 32) {
      if (!ascii_32(s.data() + i)) return valid_utf8(s);
    }
    return ascii_32(s.data() + s.size() - 32) || valid_utf8(s);
  }
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t word = 0;
    std::memcpy(&word, s.data() + i, 8);
    if ((word & 0x8080808080808080ULL) != 0) return valid_utf8(s);
  }
  for (; i < s.size(); ++i) {
    if (static_cast<unsigned char>(s[i]) >= 0x80) return valid_utf8(s);
  }
  return true;
}

std::string repair_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len > 0 && i + len <= s.size() && valid_utf8(s.substr(i, len))) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out.append("\xEF\xBF\xBD");
      ++i;
    }
  }
  return out;
}

}  // namespace vigil::decode
