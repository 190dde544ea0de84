// Posting lists: how a day file finds events without a secondary index per column.
//
// The writer groups events into blocks (a few thousand consecutive rows). For each block
// and each *term* it stores one posting list: the (time, id) of every event of the block
// carrying that term. A term is a field value (event type, user, source IP), a severity
// level above info, or "all events". Terms are 64-bit XXH3 hashes of (field, value), so
// keys are small integers whatever the value; readers verify the real value in the row.
//
// Why not one SQLite index per column: each indexed row costs a B-tree insert at a random
// position per index, and every commit rewrites all index pages it touched (write
// amplification grows with the file). Postings are written once per block, appended at the
// end of the postings table, a row per bucket of terms (below) per block.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/severity.h"

namespace vigil::store {

enum class TermField : uint64_t {
  kAll = 1,
  kEventType = 2,
  kUser = 3,
  kSourceIp = 4,
  kSeverity = 5
};

// Stable across processes and versions: it is persisted. Never std::hash.
int64_t term_of(TermField field, std::string_view value);
int64_t severity_term(Severity s);
int64_t all_term();

// One event in a posting list; lists are sorted by (time, id), which is also the order
// of query results (reversed: newest first).
struct Posting {
  int64_t time = 0;
  int64_t id = 0;
  auto operator<=>(const Posting&) const = default;
};

// `sorted` must be sorted ascending and non-empty. Appends to out.
void encode_postings(std::span<const Posting> sorted, std::string& out);
// Appends the decoded list to out; false if the blob is corrupt.
bool decode_postings(std::string_view blob, std::vector<Posting>& out);

// Posting buckets (schema version 2): a block's lists are stored in rows of a few dozen
// terms each, the terms whose hash falls in one bucket, instead of one row per term. A
// block holds a few thousand distinct terms (users, addresses) for a few thousand
// events, and each row insert cost the writer more than the event's own row
// (docs in store/README.md). Readers read one bucket row and pick the term's list.
//
// A bucket count is a power of two; a term's bucket is its low bits (terms are hashes).
uint32_t bucket_count_for(size_t terms);
inline uint32_t bucket_of(int64_t term, uint32_t buckets) {
  return static_cast<uint32_t>(static_cast<uint64_t>(term) & (buckets - 1));
}

// One term's encoded list, as a bucket holds it.
struct TermList {
  int64_t term;
  std::string_view list;
};
// Layout: varint count; per term in ascending order, the term (8 bytes, little-endian)
// and the varint byte length of its list; then the lists, in the same order.
// `sorted` must be sorted by term, without duplicates. Appends to out.
void encode_bucket(std::span<const TermList> sorted, std::string& out);
// The encoded list of `term` in a bucket: empty when the bucket has none; nullopt when
// the bucket is corrupt (truncated, terms out of order, lengths past its end).
std::optional<std::string_view> find_in_bucket(std::string_view bucket, int64_t term);

}  // namespace vigil::store
