#include "core/json_writer.h"

#include <cmath>
#include <cstdint>
#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace vigil {
namespace {

void append_double(fmt::memory_buffer& out, double d) {
  if (!std::isfinite(d)) {
    fmt::format_to(std::back_inserter(out), "null");
    return;
  }
  fmt::format_to(std::back_inserter(out), "{}", d);
}

// fmt::format_int: no format-string parsing for the many small numbers of an event.
template <typename Int>
void append_integer(fmt::memory_buffer& out, Int n) {
  const fmt::format_int digits(n);
  out.append(digits.data(), digits.data() + digits.size());
}

// Whether any of the eight bytes in `w` must be escaped: a control character,
// '"' or '\\'. Most strings need no escape at all, so testing eight bytes at a
// time (the "haszero/hasless" word tricks) halves the cost of writing events.
bool needs_escape(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  const auto has_zero = [](uint64_t x) { return (x - kOnes) & ~x & kHigh; };
  const uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;
  return (below_space | has_zero(w ^ (kOnes * '"')) | has_zero(w ^ (kOnes * '\\'))) != 0;
}

void append_escaped(fmt::memory_buffer& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (c) {
    case '"':
      out.append(std::string_view("\\\""));
      break;
    case '\\':
      out.append(std::string_view("\\\\"));
      break;
    case '\n':
      out.append(std::string_view("\\n"));
      break;
    case '\r':
      out.append(std::string_view("\\r"));
      break;
    case '\t':
      out.append(std::string_view("\\t"));
      break;
    default: {
      const char esc[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
      out.append(esc, esc + sizeof(esc));
    }
  }
}

// The slow path: `s` from its first byte needing an escape, then the closing quote.
void append_escaping(fmt::memory_buffer& out, std::string_view s) {
  size_t run_start = 0;
  size_t i = 0;
  while (i < s.size()) {
    if (i + 8 <= s.size()) {
      uint64_t word;
      std::memcpy(&word, s.data() + i, sizeof(word));
      if (!needs_escape(word)) {
        i += 8;
        continue;
      }
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    out.append(s.data() + run_start, s.data() + i);
    append_escaped(out, c);
    run_start = ++i;
  }
  out.append(s.data() + run_start, s.data() + s.size());
  out.push_back('"');
}

#ifdef __SSE2__
// Bit i set when byte i of `chunk` must be escaped: a control character, '"' or '\\'.
unsigned escape_mask(__m128i chunk) {
  const __m128i control_max = _mm_set1_epi8(0x1f);
  const __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(chunk, control_max), control_max);
  const __m128i quote = _mm_cmpeq_epi8(chunk, _mm_set1_epi8('"'));
  const __m128i backslash = _mm_cmpeq_epi8(chunk, _mm_set1_epi8('\\'));
  return static_cast<unsigned>(
      _mm_movemask_epi8(_mm_or_si128(control, _mm_or_si128(quote, backslash))));
}

// The last `rest` (< 16) bytes of a string in a vector register; the bytes past
// them are garbage, callers mask them off. A load that stays inside one 4 KiB page
// cannot fault, so it reads straight from the string (most tails: the copy through
// a zeroed buffer cost a memcpy call per string, a sixth of writing a document);
// only a tail that ends near a page boundary goes through the buffer. ASan would
// report the bytes read past the end, which nothing uses.
__attribute__((no_sanitize_address)) __m128i load_tail(const char* p, size_t rest) {
  constexpr uintptr_t kPage = 4096;
  if ((reinterpret_cast<uintptr_t>(p) & (kPage - 1)) <= kPage - 16) {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  }
  alignas(16) char tail[16] = {};
  std::memcpy(tail, p, rest);
  return _mm_load_si128(reinterpret_cast<const __m128i*>(tail));
}

// Copies the leading bytes of `s` that need no escape to `dst` (which has room
// for s.size() + 16 bytes) and returns how many: sixteen at a time, the last
// partial block through a zero-padded copy so that short keys and values,
// most of an event, cost one test instead of a loop per byte.
size_t copy_unescaped(std::string_view s, char* dst) {
  size_t i = 0;
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    if (const unsigned mask = escape_mask(chunk); mask != 0) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), chunk);
      return i + static_cast<size_t>(__builtin_ctz(mask));
    }
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), chunk);
  }
  const size_t rest = s.size() - i;
  if (rest == 0) return i;
  const __m128i chunk = load_tail(s.data() + i, rest);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), chunk);
  const unsigned mask = escape_mask(chunk) & ((1u << rest) - 1);
  return mask == 0 ? s.size() : i + static_cast<size_t>(__builtin_ctz(mask));
}
#else
size_t copy_unescaped(std::string_view s, char* dst) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, s.data() + i, sizeof(word));
    if (needs_escape(word)) break;
    std::memcpy(dst + i, &word, sizeof(word));
  }
  for (; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == '"' || c == '\\') break;
    dst[i] = static_cast<char>(c);
  }
  return i;
}
#endif

}  // namespace

void append_json_string(fmt::memory_buffer& out, std::string_view s) {
  // Most strings need no escape: grow the buffer once and copy while testing;
  // from the first byte that needs an escape on, the escaping loop.
  const size_t at = out.size();
  out.reserve(at + s.size() + 2 + 16);
  out.resize(at + s.size() + 2);
  char* dst = out.data() + at + 1;
  dst[-1] = '"';
  const size_t copied = copy_unescaped(s, dst);
  if (copied == s.size()) {
    dst[copied] = '"';
    return;
  }
  out.resize(at + 1 + copied);
  append_escaping(out, s.substr(copied));
}

void append_json(fmt::memory_buffer& out, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      out.append(std::string_view("null"));
      break;
    case Value::Kind::kBool:
      out.append(v.as_bool() ? std::string_view("true") : std::string_view("false"));
      break;
    case Value::Kind::kInt:
      append_integer(out, v.as_int());
      break;
    case Value::Kind::kUint:
      append_integer(out, v.as_uint());
      break;
    case Value::Kind::kDouble:
      append_double(out, v.as_double());
      break;
    case Value::Kind::kString:
      append_json_string(out, v.as_string());
      break;
    case Value::Kind::kArray: {
      out.push_back('[');
      bool first = true;
      for (const auto& item : v.as_array()) {
        if (!first) out.push_back(',');
        first = false;
        append_json(out, item);
      }
      out.push_back(']');
      break;
    }
    case Value::Kind::kObject: {
      out.push_back('{');
      bool first = true;
      for (const auto& [k, item] : v.as_object()) {
        if (!first) out.push_back(',');
        first = false;
        append_json_string(out, k);
        out.push_back(':');
        append_json(out, item);
      }
      out.push_back('}');
      break;
    }
  }
}

std::string to_json(const Value& v) {
  fmt::memory_buffer out;
  append_json(out, v);
  return fmt::to_string(out);
}

void JsonObjectWriter::key(std::string_view k) {
  if (!first_) out_.push_back(',');
  first_ = false;
  append_json_string(out_, k);
  out_.push_back(':');
}

JsonObjectWriter& JsonObjectWriter::field(std::string_view k, std::string_view s) {
  key(k);
  append_json_string(out_, s);
  return *this;
}
JsonObjectWriter& JsonObjectWriter::field(std::string_view k, int64_t n) {
  key(k);
  append_integer(out_, n);
  return *this;
}
JsonObjectWriter& JsonObjectWriter::field(std::string_view k, uint64_t n) {
  key(k);
  append_integer(out_, n);
  return *this;
}
JsonObjectWriter& JsonObjectWriter::field(std::string_view k, double d) {
  key(k);
  append_double(out_, d);
  return *this;
}
JsonObjectWriter& JsonObjectWriter::field(std::string_view k, bool b) {
  key(k);
  out_.append(b ? std::string_view("true") : std::string_view("false"));
  return *this;
}
JsonObjectWriter& JsonObjectWriter::field(std::string_view k, const Value& v) {
  key(k);
  append_json(out_, v);
  return *this;
}
fmt::memory_buffer& JsonObjectWriter::raw_field(std::string_view k) {
  key(k);
  return out_;
}

}  // namespace vigil
