// Per-thread working memory of a scan, reused call after call: once its
// buffers have grown to the usual event size, a scan that finds nothing
// allocates nothing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/value.h"
#include "sanitize/digit_shapes.h"
#include "sanitize/literal_matcher.h"
#include "sanitize/pattern.h"
#include "sanitize/repeated_values.h"
#include "sanitize/scanned_string_cache.h"

namespace vigil::sanitize_detail {

// kKnown: a value the scanned-string cache knows the rewrite of (no buffer bytes).
// kRepeat: a value with the text of an earlier kValue of the same document,
// which was scanned for both (no buffer bytes).
enum class SegmentKind : uint8_t { kValue, kKey, kNumber, kKnown, kRepeat };

// One string of the document (a value or a key) copied into the scan buffer,
// a value already known, or a number that looks like a card (no buffer
// bytes). Built field by field: it is made for every string of every event.
struct Segment {
  Segment(size_t begin_, size_t size_, SegmentKind kind_, std::string* text_, Value* number_)
      : begin(begin_), size(size_), text(text_), number(number_), kind(kind_) {}

  size_t begin;  // offset in the scan buffer
  size_t size;
  std::string* text;                         // kValue, kKey, kKnown, kRepeat
  Value* number;                             // kNumber
  const std::string* replacement = nullptr;  // kKnown: what *text becomes
  Object* object = nullptr;                  // kKey: the member is (*object)[member]
  uint32_t member = 0;                       // kKey
  uint32_t subtree_end = 0;  // kKey: one past the last segment of the member's value
  uint32_t first = 0;        // kRepeat: the earlier segment with the same text
  uint32_t first_finding = 0;
  uint32_t finding_count = 0;
  uint64_t hash = 0;  // kValue, kKey: ScannedStringCache::ends_of(*text).hash()
  SegmentKind kind;
  bool sensitive = false;  // kKey: a sensitive-key rule matched
  bool skipped = false;    // inside the value of a sensitive member
  bool unlisted = false;   // kValue: not offered to the cache (its key's values do not repeat)
};

struct ScanState {
  std::string buffer;  // the document's strings, each followed by '\0'
  std::vector<Segment> segments;
  std::vector<Hit> hits;
  std::vector<Finding> candidates;
  std::vector<Finding> findings;  // resolved: disjoint, in buffer order
  std::vector<DigitGroup> groups;
  std::string out;
  ScannedStringCache known;   // kept from event to event (clear() leaves it)
  RepeatedValues repeated;    // this document's values
  size_t numbers = 0;         // kNumber segments
  size_t known_rewrites = 0;  // kKnown segments
  size_t sensitive_keys = 0;  // keys marked sensitive by the detector

  void clear();
  static ScanState& local();
};

}  // namespace vigil::sanitize_detail
