#include "enrich/mmdb_field.h"

#include <fmt/core.h>

#include <cstring>

#include "core/strings.h"

namespace vigil::mmdb {
namespace {

uint64_t read_be(std::string_view s, uint64_t pos, uint32_t len) {
  uint64_t v = 0;
  for (uint32_t i = 0; i < len; ++i) v = (v << 8) | static_cast<uint8_t>(s[pos + i]);
  return v;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    out += kDigits[static_cast<uint8_t>(c) >> 4];
    out += kDigits[static_cast<uint8_t>(c) & 15];
  }
  return out;
}

Value real(std::string_view payload, uint32_t size) {
  const uint64_t bits = read_be(payload, 0, size);
  if (size == 8) {
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return Value(d);
  }
  const auto bits32 = static_cast<uint32_t>(bits);
  float f;
  std::memcpy(&f, &bits32, sizeof f);
  return Value(static_cast<double>(f));
}

// Leading zero bytes dropped; what still needs more than 64 bits stays hex.
Value uint128(std::string_view payload) {
  while (!payload.empty() && payload.front() == '\0') payload.remove_prefix(1);
  if (payload.size() > 8) return Value("0x" + to_hex(payload));
  return Value(read_be(payload, 0, static_cast<uint32_t>(payload.size())));
}

}  // namespace

const char* type_name(Type type) {
  static constexpr const char* kNames[] = {"extended",
                                           "pointer",
                                           "string",
                                           "double",
                                           "bytes",
                                           "uint16",
                                           "uint32",
                                           "map",
                                           "int32",
                                           "uint64",
                                           "uint128",
                                           "array",
                                           "data cache container",
                                           "end marker",
                                           "boolean",
                                           "float"};
  const auto t = static_cast<uint8_t>(type);
  return t < 16 ? kNames[t] : "unknown type";
}

tl::unexpected<std::string> fail_at(uint32_t offset, std::string_view what) {
  return tl::unexpected(fmt::format("offset {}: {}", offset, what));
}

tl::expected<Field, std::string> read_field(std::string_view section, uint32_t offset) {
  const uint64_t n = section.size();
  if (offset >= n) return fail_at(offset, "value starts past the end of the section");
  Field f;
  f.offset = offset;
  uint64_t pos = offset;
  const auto ctrl = static_cast<uint8_t>(section[pos++]);
  f.type = static_cast<Type>(ctrl >> 5);
  if (f.type == Type::kPointer) {
    // 001SSVVV: SS+1 bytes follow; the three V bits lead unless SS == 3.
    const uint32_t len = ((ctrl >> 3) & 3) + 1;
    if (pos + len > n) return fail_at(offset, "pointer runs past the end of the section");
    static constexpr uint64_t kBias[] = {0, 0, 2048, 526336, 0};
    const uint64_t lead = len == 4 ? 0 : (ctrl & 7);
    f.target = static_cast<uint32_t>((lead << (8 * len)) + read_be(section, pos, len) + kBias[len]);
    f.payload = static_cast<uint32_t>(pos + len);
    return f;
  }
  if (f.type == Type::kExtended) {
    if (pos >= n) return fail_at(offset, "extended type byte runs past the end of the section");
    const uint32_t ext = static_cast<uint8_t>(section[pos++]) + 7u;
    if (ext < 8 || ext > 15) return fail_at(offset, fmt::format("invalid extended type {}", ext));
    f.type = static_cast<Type>(ext);
  }
  uint32_t size = ctrl & 31;
  if (size >= 29) {
    const uint32_t len = size - 28;  // 1, 2 or 3 size bytes follow
    if (pos + len > n) return fail_at(offset, "size bytes run past the end of the section");
    static constexpr uint32_t kBase[] = {0, 29, 285, 65821};
    size = kBase[len] + static_cast<uint32_t>(read_be(section, pos, len));
    pos += len;
  }
  f.size = size;
  f.payload = static_cast<uint32_t>(pos);
  return f;
}

tl::expected<uint32_t, std::string> read_scalar(std::string_view section, const Field& f,
                                                Value* out) {
  const uint32_t bytes = f.type == Type::kBool ? 0 : f.size;  // a boolean's size is its value
  if (uint64_t{f.payload} + bytes > section.size()) {
    return fail_at(f.offset, fmt::format("{} of {} bytes runs past the end of the section",
                                         type_name(f.type), bytes));
  }
  const std::string_view payload = section.substr(f.payload, bytes);
  const uint32_t end = f.payload + bytes;
  uint32_t max_size = 0;   // integers: at most this many bytes
  uint32_t want_size = 0;  // floating point: exactly this many
  switch (f.type) {
    case Type::kString:
      if (!valid_utf8(payload)) return fail_at(f.offset, "string is not valid UTF-8");
      if (out != nullptr) *out = Value(std::string(payload));
      return end;
    case Type::kBytes:
      if (out != nullptr) *out = Value(to_hex(payload));
      return end;
    case Type::kBool:
      if (f.size > 1) return fail_at(f.offset, fmt::format("boolean with value {}", f.size));
      if (out != nullptr) *out = Value(f.size == 1);
      return end;
    case Type::kDouble:
      want_size = 8;
      break;
    case Type::kFloat:
      want_size = 4;
      break;
    case Type::kUint16:
      max_size = 2;
      break;
    case Type::kUint32:
    case Type::kInt32:
      max_size = 4;
      break;
    case Type::kUint64:
      max_size = 8;
      break;
    case Type::kUint128:
      max_size = 16;
      break;
    default:
      return fail_at(f.offset, fmt::format("unexpected {} inside a value", type_name(f.type)));
  }
  if (want_size != 0 && f.size != want_size) {
    return fail_at(
        f.offset, fmt::format("{} of {} bytes (must be {})", type_name(f.type), f.size, want_size));
  }
  if (max_size != 0 && f.size > max_size) {
    return fail_at(f.offset,
                   fmt::format("{} of {} bytes (at most {})", type_name(f.type), f.size, max_size));
  }
  if (out == nullptr) return end;
  if (want_size != 0) {
    *out = real(payload, want_size);
  } else if (f.type == Type::kUint128) {
    *out = uint128(payload);
  } else if (f.type == Type::kInt32) {
    *out = Value(int64_t{static_cast<int32_t>(read_be(payload, 0, f.size))});
  } else {
    *out = Value(read_be(payload, 0, f.size));
  }
  return end;
}

}  // namespace vigil::mmdb
