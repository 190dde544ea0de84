// Fixed-width little-endian numbers in a byte string, for the detector's
// state files (reservoirs, entity histories). The reader never reads past
// the end: a short or corrupt file makes ok() false instead.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace vigil::ml {

static_assert(std::endian::native == std::endian::little, "state files are little-endian");

class ByteWriter {
 public:
  explicit ByteWriter(std::string& out) : out_(out) {}
  template <typename T>
  void put(T v) {
    static_assert(std::is_arithmetic_v<T>);
    char bytes[sizeof(T)];
    std::memcpy(bytes, &v, sizeof(T));
    out_.append(bytes, sizeof(T));
  }
  void put_bytes(std::string_view s) {
    put(static_cast<uint32_t>(s.size()));
    out_.append(s);
  }

 private:
  std::string& out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  template <typename T>
  T get() {
    static_assert(std::is_arithmetic_v<T>);
    T v{};
    if (!take(sizeof(T))) return v;
    std::memcpy(&v, in_.data() + at_ - sizeof(T), sizeof(T));
    return v;
  }
  std::string get_bytes() {
    const uint32_t n = get<uint32_t>();
    if (!take(n)) return {};
    return std::string(in_.substr(at_ - n, n));
  }
  bool ok() const { return ok_; }
  bool at_end() const { return at_ == in_.size(); }

 private:
  bool take(size_t n) {
    if (!ok_ || in_.size() - at_ < n) {
      ok_ = false;
      return false;
    }
    at_ += n;
    return true;
  }
  std::string_view in_;
  size_t at_ = 0;
  bool ok_ = true;
};

}  // namespace vigil::ml
