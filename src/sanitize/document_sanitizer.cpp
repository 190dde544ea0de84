#include "sanitize/document_sanitizer.h"

#include <atomic>
#include <charconv>
#include <cmath>

#include "core/json_writer.h"
#include "sanitize/digit_shapes.h"

namespace vigil::sanitize_detail {
namespace {

// The decimal digits of a number that could be a card number, else empty.
std::string_view card_digits(const Value& v, char (&buf)[24]) {
  uint64_t n = 0;
  if (v.kind() == Value::Kind::kUint) {
    n = v.as_uint();
  } else if (v.kind() == Value::Kind::kInt && v.as_int() > 0) {
    n = static_cast<uint64_t>(v.as_int());
  } else if (v.kind() == Value::Kind::kDouble && v.as_double() >= 1e12 && v.as_double() < 1e19 &&
             std::floor(v.as_double()) == v.as_double()) {
    n = static_cast<uint64_t>(v.as_double());
  }
  if (n < 1'000'000'000'000ull) return {};  // fewer than 13 digits
  const auto r = std::to_chars(buf, buf + sizeof(buf), n);
  std::string_view digits(buf, static_cast<size_t>(r.ptr - buf));
  return card_number(digits) ? digits : std::string_view();
}

uint64_t next_sanitizer_id() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

DocumentSanitizer::DocumentSanitizer(const Policy& policy, const Detector& detector,
                                     const Rewriter& rewriter)
    : policy_(policy), detector_(detector), rewriter_(rewriter), id_(next_sanitizer_id()) {}

void DocumentSanitizer::sanitize(Value& doc) const {
  ScanState& st = ScanState::local();
  st.clear();
  st.known.use_for(id_);
  collect(doc, 0, st);
  if (st.segments.empty()) return;
  if (!detector_.detect(st.buffer, st)) {
    fail_closed(st);
    return;
  }
  if (!st.findings.empty() || st.numbers > 0 || st.known_rewrites > 0 || st.sensitive_keys > 0) {
    rewrite_segments(st);
  }
  // After the rewrites (their results are what is remembered) and before any
  // member is removed (which would leave segments pointing at moved strings).
  remember_scanned(st);
  if (st.sensitive_keys > 0) replace_sensitive_members(st);
}

void DocumentSanitizer::collect(Value& v, int depth, ScanState& st) const {
  switch (v.kind()) {
    case Value::Kind::kString:
      add_value(v.as_string(), Lookup::kPlain, 0, st);
      return;
    case Value::Kind::kArray:
      if (depth >= kMaxDepth) {
        v = Value(kTooDeep);
        return;
      }
      for (Value& item : v.as_array()) collect(item, depth + 1, st);
      return;
    case Value::Kind::kObject:
      if (depth >= kMaxDepth) {
        v = Value(kTooDeep);
        return;
      }
      collect_object(v.as_object(), depth + 1, st);
      return;
    default: {
      char digits[24];
      if (policy_.enabled(Pattern::kCreditCard) && !card_digits(v, digits).empty()) {
        st.segments.emplace_back(st.buffer.size(), 0, SegmentKind::kNumber, nullptr, &v);
        ++st.numbers;
      }
      return;
    }
  }
}

void DocumentSanitizer::collect_object(Object& object, int depth, ScanState& st) const {
  for (size_t i = 0; i < object.size(); ++i) {
    // A key known clean is neither scanned nor sensitive: it needs no segment.
    const auto key_ends = ScannedStringCache::ends_of(object[i].first, true);
    const uint64_t key_hash = key_ends.hash();
    if (st.known.contains_clean(key_ends, object[i].first)) {
      collect_member(object[i].second, key_hash, depth, st);
      continue;
    }
    const size_t key_segment = st.segments.size();
    add_string(object[i].first, SegmentKind::kKey, key_hash, st);
    st.segments[key_segment].object = &object;
    st.segments[key_segment].member = static_cast<uint32_t>(i);
    collect_member(object[i].second, key_hash, depth, st);
    st.segments[key_segment].subtree_end = static_cast<uint32_t>(st.segments.size());
  }
}

// A member's string value is looked up in the cache unless values under its
// key have stopped repeating (messages, request ids: the lookup then only
// costs a cold load and an offer).
void DocumentSanitizer::collect_member(Value& v, uint64_t key_hash, int depth,
                                       ScanState& st) const {
  if (!v.is_string()) {
    collect(v, depth, st);
    return;
  }
  const Lookup lookup =
      st.known.values_repeat(key_hash) ? Lookup::kCountedForKey : Lookup::kSkipped;
  add_value(v.as_string(), lookup, key_hash, st);
}

void DocumentSanitizer::add_value(std::string& s, Lookup lookup, uint64_t key_hash, ScanState& st) {
  if (is_timestamp_text(s)) return;  // clean by its shape, and never in the cache (unique)
  const auto ends = ScannedStringCache::ends_of(s, false);
  const std::string* replacement = nullptr;
  const auto known = lookup == Lookup::kSkipped ? ScannedStringCache::Known::kNo
                                                : st.known.find(ends, s, &replacement);
  if (lookup == Lookup::kCountedForKey) {
    st.known.record_value_lookup(key_hash, known != ScannedStringCache::Known::kNo);
  }
  switch (known) {
    case ScannedStringCache::Known::kClean:
      return;
    case ScannedStringCache::Known::kRewritten:
      st.segments.emplace_back(st.buffer.size(), 0, SegmentKind::kKnown, &s, nullptr);
      st.segments.back().replacement = replacement;
      ++st.known_rewrites;
      return;
    case ScannedStringCache::Known::kNo:
      break;
  }
  const auto segment = static_cast<uint32_t>(st.segments.size());
  const uint64_t hash = ends.hash();
  const uint32_t first = st.repeated.find_or_add(hash, s, segment, [&st](uint32_t i) {
    return std::string_view(st.buffer).substr(st.segments[i].begin, st.segments[i].size);
  });
  if (first == RepeatedValues::kNone) {
    add_string(s, SegmentKind::kValue, hash, st);
    st.segments.back().unlisted = lookup == Lookup::kSkipped;
    return;
  }
  st.segments.emplace_back(st.buffer.size(), 0, SegmentKind::kRepeat, &s, nullptr);
  st.segments.back().first = first;
}

void DocumentSanitizer::add_string(std::string& s, SegmentKind kind, uint64_t hash, ScanState& st) {
  st.segments.emplace_back(st.buffer.size(), s.size(), kind, &s, nullptr);
  st.segments.back().hash = hash;
  // The string's own terminator is the separator: no pattern spans a '\0',
  // so strings never join.
  st.buffer.append(s.c_str(), s.size() + 1);
}

// What sanitizing a string gave depends on its text alone (strings are
// scanned '\0'-separated, no pattern spans two), so it holds the next time.
// Not kept: keys with findings or sensitive ones (rare, and a key's verdict is
// more than its text's rewrite), and values inside a sensitive member, which
// were left raw for the member's replacement.
void DocumentSanitizer::remember_scanned(ScanState& st) {
  const std::string_view buffer(st.buffer);
  for (const Segment& s : st.segments) {
    if ((s.kind != SegmentKind::kValue && s.kind != SegmentKind::kKey) || s.unlisted) continue;
    const std::string_view scanned = buffer.substr(s.begin, s.size);
    if (s.finding_count == 0 && !s.sensitive) {
      st.known.offer(s.hash, scanned, s.kind == SegmentKind::kKey, nullptr);
    } else if (s.kind == SegmentKind::kValue && !s.skipped) {
      st.known.offer(s.hash, scanned, false, s.text);
    }
  }
}

// First pass, in document order and before any member is removed (so every
// pointer in the segments is still valid): rewrite strings and card numbers
// that are not inside a sensitive member. Sensitive values stay raw here so
// that a pseudonymized value is the pseudonym of the original.
void DocumentSanitizer::rewrite_segments(ScanState& st) const {
  size_t skip_until = 0;
  for (size_t i = 0; i < st.segments.size(); ++i) {
    Segment& s = st.segments[i];
    s.skipped = i < skip_until;
    if (s.skipped) continue;
    if (s.kind == SegmentKind::kKey && s.sensitive) skip_until = s.subtree_end;
    if (s.kind == SegmentKind::kKnown) {
      s.text->assign(*s.replacement);
      continue;
    }
    if (s.kind == SegmentKind::kRepeat) {
      rewrite_repeat(s, st);
      continue;
    }
    if (s.kind == SegmentKind::kNumber) {
      char digits[24];
      *s.number = rewriter_.replace_value(Pattern::kCreditCard, card_digits(*s.number, digits));
      continue;
    }
    if (s.finding_count == 0) continue;
    st.out.clear();
    rewriter_.rewrite(*s.text, s.begin, &st.findings[s.first_finding], s.finding_count, st.out);
    s.text->assign(st.out);
  }
}

// A repeat becomes what its first occurrence became, which rewrite_segments
// handled before it (document order): copied, or rewritten from the first's
// findings when the first was left raw inside a sensitive member.
void DocumentSanitizer::rewrite_repeat(Segment& s, ScanState& st) const {
  const Segment& first = st.segments[s.first];
  if (first.finding_count == 0) return;
  if (!first.skipped) {
    s.text->assign(*first.text);
    return;
  }
  st.out.clear();
  rewriter_.rewrite(*s.text, first.begin, &st.findings[first.first_finding], first.finding_count,
                    st.out);
  s.text->assign(st.out);
}

// Second pass, in reverse document order: removing member i of an object only
// moves members after it, whose segments have been handled already.
void DocumentSanitizer::replace_sensitive_members(ScanState& st) const {
  const Action action = policy_.action(Pattern::kSensitiveKey);
  for (size_t i = st.segments.size(); i-- > 0;) {
    const Segment& s = st.segments[i];
    if (s.kind != SegmentKind::kKey || !s.sensitive || s.skipped) continue;
    Object& object = *s.object;
    if (action == Action::kDrop) {
      object.erase(object.begin() + static_cast<std::ptrdiff_t>(s.member));
      continue;
    }
    Value& v = object[s.member].second;
    if (v.is_null()) continue;  // nothing there to hide
    if (v.is_string()) {
      v = rewriter_.replace_value(Pattern::kSensitiveKey, v.as_string());
    } else {
      v = rewriter_.replace_value(Pattern::kSensitiveKey, to_json(v));  // objects, arrays, numbers
    }
  }
}

// Nothing was inspected, so nothing that could carry a secret goes out: every
// string value and every number becomes "[REDACTED]" (keys stay, so the
// document keeps its shape for whoever investigates).
void DocumentSanitizer::fail_closed(ScanState& st) {
  for (Segment& s : st.segments) {
    if (s.kind == SegmentKind::kValue || s.kind == SegmentKind::kKnown ||
        s.kind == SegmentKind::kRepeat) {
      s.text->assign(Rewriter::kRedactedValue);
    }
    if (s.kind == SegmentKind::kNumber) *s.number = Value(Rewriter::kRedactedValue);
    if (s.kind == SegmentKind::kKey && (*s.object)[s.member].second.is_number()) {
      (*s.object)[s.member].second = Value(Rewriter::kRedactedValue);
    }
  }
}

}  // namespace vigil::sanitize_detail
