// Literals found by where one of their bytes sits in the text instead of by a
// scan. Sysmon's `Hashes` is `SHA1=…,MD5=…,SHA256=…,IMPHASH=…`, and every
// literal SigmaHQ tests on it has the same form (`md5=` and 32 hex digits:
// ~940 IOC hashes): Hyperscan scanning hex text for hex literals finds
// candidate prefixes at nearly every byte (~4.5 k instructions a scan). Each
// literal is pinned by its first `=`: an occurrence of it in a text puts that
// `=` on one of the text's, so looking up, at each `=` of the text, the
// stretch each literal shape (offset of the pin, length) would cover finds
// every occurrence with a few lookups. The text of a field whose literals all
// have a `=` has few of them; a field with any literal without one keeps its
// literals in Hyperscan (LiteralIndex::compile).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/key_table.h"

namespace vigil::sigma {

class PinnedLiterals {
 public:
  static constexpr char kPin = '=';
  // Beyond this many shapes a text costs more lookups per `=` than a scan.
  static constexpr size_t kMaxShapes = 16;

  // Whether every literal has a pin and they come in at most kMaxShapes
  // shapes: then they can all be found without a scan.
  static bool can_hold(const std::vector<std::string_view>& literals);
  // Compile time: `id` is reported for every text holding `literal` (a
  // literal without a pin is ignored). A literal added twice keeps its
  // first id.
  void add(std::string_view literal, uint32_t id);

  bool empty() const { return literals_.size() == 0; }
  size_t size() const { return literals_.size(); }
  size_t shape_count() const { return shapes_.size(); }

  // Calls f(id) for each literal `text` holds (one may be reported twice).
  template <typename F>
  void for_each_match(std::string_view text, F&& f) const;

 private:
  struct Shape {
    size_t pin = 0;  // offset of the literal's first pin
    size_t length = 0;
    bool operator==(const Shape&) const = default;
  };
  // Adds the shape of `literal` unless `shapes` has it; false when the
  // literal has no pin.
  static bool add_shape(std::vector<Shape>& shapes, std::string_view literal);
  std::vector<Shape> shapes_;
  KeyTable literals_;
};

template <typename F>
void PinnedLiterals::for_each_match(std::string_view text, F&& f) const {
  if (empty()) return;
  for (size_t at = text.find(kPin); at != std::string_view::npos; at = text.find(kPin, at + 1)) {
    for (const Shape& shape : shapes_) {
      if (at < shape.pin || at - shape.pin + shape.length > text.size()) continue;
      const uint32_t id = literals_.find(0, text.substr(at - shape.pin, shape.length));
      if (id != KeyTable::kAbsent) f(id);
    }
  }
}

}  // namespace vigil::sigma
