// What every decoder shares: building an ECS document field by field,
// walking a chunk line by line, and keeping a line that did not decode.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "ingest/event_decoder.h"

namespace vigil::decode {

// Sets a dotted path ("source.ip"), creating the objects on the way.
void put(Value& doc, std::string_view dotted, Value v);

// The fields of one event, collected by dotted path and built into its
// document in one pass at the end: each object is allocated once at its final
// size and each value constructed in place, instead of objects growing member
// by member, a search per level for every field, and values moved through
// every call. One builder per decoder (so per thread), reused line after line.
//
// Lines of one kind put the same paths in the same order, so the layout of
// their document (which object each field lands in, each object's size) is
// worked out once per sequence of paths and kept in a small cache of shapes;
// the next line of that kind only compares its paths with the cached ones.
//
// The document is what the same put()s on a Value would give: members in the
// order first put, a later put of the same path replaces the value in place,
// a path through a scalar goes under its flat dotted key.
// string_view values are views: what they point to (the line, a literal) must
// live until take(); keep() holds text made at run time until then. Paths and
// std::string values are copied.
class DocBuilder {
 public:
  DocBuilder();
  ~DocBuilder();
  DocBuilder(const DocBuilder&) = delete;
  DocBuilder& operator=(const DocBuilder&) = delete;

  void put(std::string_view dotted, std::string_view text) { add(dotted).text = text; }
  void put(std::string_view dotted, const char* text) { add(dotted).text = text; }
  void put(std::string_view dotted, const std::string& text) { put(dotted, Value(text)); }
  void put(std::string_view dotted, std::string&& text) { put(dotted, Value(std::move(text))); }
  void put(std::string_view dotted, int64_t n) { set(add(dotted), Kind::kInt, n); }
  void put(std::string_view dotted, int n) { set(add(dotted), Kind::kInt, n); }
  void put(std::string_view dotted, bool b) { set(add(dotted), Kind::kBool, b ? 1 : 0); }
  void put(std::string_view dotted, Value v) {
    set(add(dotted), Kind::kValue, static_cast<int64_t>(values_.size()));
    values_.push_back(std::move(v));
  }
  // Text made at run time (an unescaped field), held until take().
  std::string_view keep(std::string text);
  bool empty() const { return fields_.empty(); }
  void clear();
  // The document (always an object); the builder is empty afterwards.
  Value take() {
    Value doc;
    take_into(doc);
    return doc;
  }
  // The same, built where it is kept (an event's doc): the tree is not moved.
  void take_into(Value& doc);
  // Layouts worked out so far (cache misses of the shape cache).
  size_t shapes_built() const { return shapes_built_; }

 private:
  enum class Kind : uint8_t { kText, kInt, kBool, kValue };
  struct Field {                          // trivially destructible: clearing the fields is free
    uint32_t path_at = 0, path_size = 0;  // in paths_
    Kind kind = Kind::kText;
    int64_t number = 0;  // kInt, kBool, or the index in values_ (kValue)
    std::string_view text;
  };
  struct Node {
    uint32_t key_at = 0, key_size = 0;  // in paths_
    uint32_t children = 0;
    int32_t first_child = -1, last_child = -1, next = -1;
    int32_t field = -1;  // a leaf: the field whose value it holds
  };
  // One member of the document, in the order fill() makes them: an object's
  // members follow it (depth first).
  struct Step {
    uint32_t key_at = 0, key_size = 0;  // in paths_
    int32_t field = -1;                 // the value's field; -1: an object
    uint32_t members = 0;               // an object's
  };
  struct Shape;

  Field& add(std::string_view dotted) {
    Field& f = fields_.emplace_back();
    f.path_at = static_cast<uint32_t>(paths_.size());
    f.path_size = static_cast<uint32_t>(dotted.size());
    paths_.append(dotted);
    // Picks the cached shape to compare with (a hint: the paths are compared).
    const auto last = dotted.empty() ? 0U : static_cast<unsigned char>(dotted.back());
    signature_ = (signature_ ^ (dotted.size() << 8 | last)) * 0x100000001B3ULL;
    return f;
  }
  static void set(Field& f, Kind kind, int64_t n) {
    f.kind = kind;
    f.number = n;
  }
  std::string_view text(uint32_t at, uint32_t size) const { return {paths_.data() + at, size}; }
  bool holds_these_paths(const Shape& shape) const;
  const std::vector<Step>& layout();
  int32_t child(int32_t parent, uint32_t key_at, uint32_t key_size);
  void place(int32_t field);
  void flatten(const Node& n, std::vector<Step>& steps) const;
  void fill(Object& members, const Step*& step);

  std::string paths_;  // every field's path, back to back
  std::vector<Field> fields_;
  std::vector<Value> values_;  // values put whole (made strings, arrays)
  uint64_t signature_ = 0;
  std::vector<Node> nodes_;
  std::vector<std::unique_ptr<Shape>> shapes_;  // a few ways from the slot the signature picks
  size_t evict_next_ = 0;
  size_t shapes_built_ = 0;
  std::deque<std::string> kept_;  // a deque: keeping moves nothing
};

template <typename T>
void put(DocBuilder& doc, std::string_view dotted, T&& v) {
  doc.put(dotted, std::forward<T>(v));
}

// 1..12 for "Jan".."Dec", 0 for anything else.
int month_from_abbrev(std::string_view m);

// An event from a decoded document; without a time it takes the receive time.
Event make_event(Value doc, std::optional<Timestamp> time, Timestamp received);
// A new event at the end of out.events, with its times; its doc is to be built.
Event& add_event(std::optional<Timestamp> time, Timestamp received, DecodeResult& out);
// The builder's document added to out.events as such an event, built in place.
void emit_built(DocBuilder& doc, std::optional<Timestamp> time, Timestamp received,
                DecodeResult& out);

// The line kept as `event.original` with `error.type: parse_error` and the
// reason in `error.message`; counted in out.flagged.
void keep_unparsed(std::string_view line, std::string_view why, Timestamp received,
                   DecodeResult& out);

// Bytes that are not UTF-8 replaced by U+FFFD, so a line always fits in JSON.
std::string repair_utf8(std::string_view s);

// Calls fn(line, line_number) for each non-blank line of the chunk, without
// its line end (\n or \r\n); invalid UTF-8 is repaired first.
template <typename Fn>
void for_each_line(std::string_view chunk, size_t first_line, Fn&& fn);

// Lines longer than this are cut and flagged rather than decoded.
inline constexpr size_t kMaxLineBytes = 1 << 20;

bool valid_utf8_line(std::string_view s);

template <typename Fn>
void for_each_line(std::string_view chunk, size_t first_line, Fn&& fn) {
  size_t line_no = first_line;
  size_t pos = 0;
  while (pos < chunk.size()) {
    size_t end = chunk.find('\n', pos);
    if (end == std::string_view::npos) end = chunk.size();
    std::string_view line = chunk.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    bool blank = true;
    for (char c : line) {
      if (c != ' ' && c != '\t') {
        blank = false;
        break;
      }
    }
    if (!blank) {
      if (valid_utf8_line(line)) {
        fn(line, line_no);
      } else {
        const std::string fixed = repair_utf8(line);
        fn(std::string_view(fixed), line_no);
      }
    }
    pos = end + 1;
    ++line_no;
  }
}

}  // namespace vigil::decode
