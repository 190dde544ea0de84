// Walks values of the MaxMind DB data format (spec v2.0) with every offset,
// size, depth and pointer checked. It exists so that vigil proves a database
// well-formed before libmaxminddb reads it: libmaxminddb 1.7 trusts sizes and
// offsets in places, and a corrupt file must be refused at start-up, never
// crash a worker later.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <unordered_map>

#include "core/value.h"
#include "enrich/mmdb_field.h"

namespace vigil::mmdb {

// Decodes values of one section (the data section or the metadata), where
// pointers are offsets from the start of that section.
class Decoder {
 public:
  // libmaxminddb refuses deeper values too, so nothing it could read is lost.
  static constexpr int kMaxDepth = 512;
  // Bounds on what decode() builds: metadata is small, and pointers must not
  // let a few bytes expand into millions of values.
  static constexpr uint64_t kMaxDecodedValues = 1 << 16;
  static constexpr uint64_t kMaxDecodedBytes = 4 << 20;

  explicit Decoder(std::string_view section) : section_(section) {}

  // Checks the value at `offset` and everything it reaches: each field (see
  // read_scalar), map keys that are strings, pointers that land on a value
  // (not a pointer), no cycles, nesting at most kMaxDepth. Values reached
  // through pointers are checked once, so records sharing sub-values keep the
  // cost linear in the section size.
  tl::expected<void, std::string> verify(uint32_t offset);

  // Builds the value at `offset` as a vigil Value (used for the metadata).
  tl::expected<Value, std::string> decode(uint32_t offset);

 private:
  struct Walked {
    uint32_t end;     // offset just past the value (past the pointer itself for pointers)
    uint32_t height;  // levels of containers in and below the value
  };
  using Step = tl::expected<Walked, std::string>;

  // `out` null: verify (memoised); else build into *out (budgeted).
  Step walk(uint32_t offset, uint32_t depth, Value* out);
  Step walk_pointer(const Field& f, uint32_t depth, Value* out);
  Step walk_container(const Field& f, uint32_t depth, Value* out);
  tl::expected<uint32_t, std::string> read_key(uint32_t offset, std::string* key);
  tl::expected<void, std::string> spend_bytes(uint32_t offset, uint64_t bytes);

  std::string_view section_;
  // Offsets already verified -> their height; kInProgress while that value
  // is being walked, so a pointer back into it is a cycle.
  std::unordered_map<uint32_t, uint32_t> verified_;
  uint64_t decoded_values_ = 0;  // by decode()
  uint64_t decoded_bytes_ = 0;   // by decode()
};

}  // namespace vigil::mmdb
