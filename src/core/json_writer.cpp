#include "core/json_writer.h"

#include <cmath>
#include <cstdint>
#include <cstring>

namespace vigil {
namespace {

void append_double(fmt::memory_buffer& out, double d) {
  if (!std::isfinite(d)) {
    fmt::format_to(std::back_inserter(out), "null");
    return;
  }
  fmt::format_to(std::back_inserter(out), "{}", d);
}

}  // namespace

namespace {

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

}  // namespace

void append_json_string(fmt::memory_buffer& out, std::string_view s) {
  out.push_back('"');
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

void append_json(fmt::memory_buffer& out, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      out.append(std::string_view("null"));
      break;
    case Value::Kind::kBool:
      out.append(v.as_bool() ? std::string_view("true") : std::string_view("false"));
      break;
    case Value::Kind::kInt:
      fmt::format_to(std::back_inserter(out), "{}", v.as_int());
      break;
    case Value::Kind::kUint:
      fmt::format_to(std::back_inserter(out), "{}", v.as_uint());
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
  fmt::format_to(std::back_inserter(out_), "{}", n);
  return *this;
}
JsonObjectWriter& JsonObjectWriter::field(std::string_view k, uint64_t n) {
  key(k);
  fmt::format_to(std::back_inserter(out_), "{}", n);
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
