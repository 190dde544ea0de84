// One field of the MaxMind DB data format (spec v2.0): the control byte(s)
// giving its type and size, and the checks on a scalar's payload. Every read
// is bounds-checked against the section the field lives in.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <tl/expected.hpp>

#include "core/value.h"

namespace vigil::mmdb {

enum class Type : uint8_t {
  kExtended = 0,
  kPointer = 1,
  kString = 2,
  kDouble = 3,
  kBytes = 4,
  kUint16 = 5,
  kUint32 = 6,
  kMap = 7,
  kInt32 = 8,
  kUint64 = 9,
  kUint128 = 10,
  kArray = 11,
  kContainer = 12,
  kEndMarker = 13,
  kBool = 14,
  kFloat = 15,
};

struct Field {
  Type type = Type::kExtended;
  uint32_t offset = 0;   // of the control byte
  uint32_t size = 0;     // payload bytes; entries for maps and arrays
  uint32_t payload = 0;  // offset of the payload (past a pointer's bytes)
  uint32_t target = 0;   // pointers only: the offset pointed at
};

const char* type_name(Type type);

// "offset <n>: <what>", the form of every decoding error.
tl::unexpected<std::string> fail_at(uint32_t offset, std::string_view what);

// The field whose control byte is at `offset`. Rejects extended types other
// than 8..15 and headers that run past the end of the section.
tl::expected<Field, std::string> read_field(std::string_view section, uint32_t offset);

// Checks the payload of a field that is neither a container nor a pointer:
// inside the section, strings valid UTF-8, numbers of a size their type
// allows (doubles 8 bytes, floats 4, uint32 at most 4, ...), and no data
// cache container or end marker inside a value. With `out`, also builds the
// Value (unsigned -> uint64, 128-bit beyond 64 bits and bytes -> hex string).
// Returns the offset just past the field.
tl::expected<uint32_t, std::string> read_scalar(std::string_view section, const Field& field,
                                                Value* out);

}  // namespace vigil::mmdb
