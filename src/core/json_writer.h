// Streaming JSON output on an fmt::memory_buffer: the one way vigil writes
// JSON on hot paths (stored documents, API replies, alerts).
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

#include "core/value.h"

namespace vigil {

// Appends s as a quoted JSON string. Invalid UTF-8 never reaches here (the
// parser rejects it), so bytes >= 0x80 pass through unchanged.
void append_json_string(fmt::memory_buffer& out, std::string_view s);
void append_json(fmt::memory_buffer& out, const Value& v);
std::string to_json(const Value& v);

// Builds one JSON object incrementally: {"k":v,...}
class JsonObjectWriter {
 public:
  explicit JsonObjectWriter(fmt::memory_buffer& out) : out_(out) { out_.push_back('{'); }
  JsonObjectWriter& field(std::string_view key, std::string_view s);
  JsonObjectWriter& field(std::string_view key, const char* s) {
    return field(key, std::string_view(s));
  }
  JsonObjectWriter& field(std::string_view key, const std::string& s) {
    return field(key, std::string_view(s));
  }
  JsonObjectWriter& field(std::string_view key, int64_t n);
  JsonObjectWriter& field(std::string_view key, uint64_t n);
  JsonObjectWriter& field(std::string_view key, int n) { return field(key, int64_t{n}); }
  JsonObjectWriter& field(std::string_view key, double d);
  JsonObjectWriter& field(std::string_view key, bool b);
  JsonObjectWriter& field(std::string_view key, const Value& v);
  // Writes the key and leaves the value to the caller (for nested output).
  fmt::memory_buffer& raw_field(std::string_view key);
  void close() { out_.push_back('}'); }

 private:
  void key(std::string_view k);
  fmt::memory_buffer& out_;
  bool first_ = true;
};

}  // namespace vigil
