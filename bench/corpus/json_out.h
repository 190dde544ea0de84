// Just enough JSON writing for the corpus, appending to a std::string so
// one buffer is reused for millions of lines. Keys are trusted literals;
// values are escaped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vigil::bench {

class JsonOut {
 public:
  explicit JsonOut(std::string& out) : out_(out) {}

  JsonOut& open(std::string_view key = {}) { return begin(key, '{'); }
  JsonOut& close() { return end('}'); }
  JsonOut& open_array(std::string_view key) { return begin(key, '['); }
  JsonOut& close_array() { return end(']'); }

  JsonOut& str(std::string_view key, std::string_view v) {
    put_key(key);
    put_string(v);
    return *this;
  }
  JsonOut& num(std::string_view key, int64_t v) {
    put_key(key);
    out_ += std::to_string(v);
    return *this;
  }
  JsonOut& boolean(std::string_view key, bool v) {
    put_key(key);
    out_ += v ? "true" : "false";
    return *this;
  }
  // Writes the key and returns the buffer for the caller to append the value.
  std::string& raw(std::string_view key) {
    put_key(key);
    return out_;
  }
  // An element of the enclosing array.
  JsonOut& item(std::string_view v) {
    separate();
    put_string(v);
    return *this;
  }

 private:
  JsonOut& begin(std::string_view key, char c) {
    if (key.empty()) {
      separate();
    } else {
      put_key(key);
    }
    out_.push_back(c);
    ++depth_;
    first_ |= uint64_t{1} << depth_;
    return *this;
  }
  JsonOut& end(char c) {
    out_.push_back(c);
    first_ &= ~(uint64_t{1} << depth_);
    --depth_;
    return *this;
  }
  void separate() {
    if (depth_ == 0) return;
    if (first_ & (uint64_t{1} << depth_)) {
      first_ &= ~(uint64_t{1} << depth_);
    } else {
      out_.push_back(',');
    }
  }
  void put_key(std::string_view key) {
    separate();
    out_.push_back('"');
    out_ += key;
    out_ += "\":";
  }
  void put_string(std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out_.push_back('"');
    for (char ch : s) {
      const auto c = static_cast<unsigned char>(ch);
      if (c == '"' || c == '\\') {
        out_.push_back('\\');
        out_.push_back(ch);
      } else if (c < 0x20) {
        out_ += "\\u00";
        out_.push_back(kHex[c >> 4]);
        out_.push_back(kHex[c & 0xf]);
      } else {
        out_.push_back(ch);
      }
    }
    out_.push_back('"');
  }

  std::string& out_;
  uint64_t first_ = 0;
  int depth_ = 0;
};

}  // namespace vigil::bench
