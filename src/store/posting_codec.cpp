#include "store/posting_codec.h"

#include <xxhash.h>

#include <algorithm>
#include <bit>

namespace vigil::store {
namespace {

// Varints: times inside a list are close together and ids nearly consecutive, so most
// deltas take one or two bytes.
// Writes `v` at `dst` (room for 10 bytes), returns the byte after it.
char* write_varint(char* dst, uint64_t v) {
  while (v >= 0x80) {
    *dst++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *dst++ = static_cast<char>(v);
  return dst;
}

void put_varint(std::string& out, uint64_t v) {
  char bytes[10];
  out.append(bytes, write_varint(bytes, v));
}

bool get_varint(std::string_view& in, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in.empty()) return false;
    const auto byte = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

uint64_t zigzag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
int64_t unzigzag(uint64_t v) {
  return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
}

// Wrapping arithmetic: a corrupt blob must give a wrong (and then rejected) value, not UB.
int64_t wrap_add(int64_t a, uint64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + b);
}
uint64_t wrap_sub(int64_t a, int64_t b) {
  return static_cast<uint64_t>(a) - static_cast<uint64_t>(b);
}

// Terms are stored in a fixed 8 bytes: hashes take all 64 bits, a varint would take 10.
void put_term(std::string& out, int64_t term) {
  char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(static_cast<uint64_t>(term) >> (8 * i));
  out.append(bytes, 8);
}

bool get_term(std::string_view& in, int64_t& term) {
  if (in.size() < 8) return false;
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(in[i])) << (8 * i);
  in.remove_prefix(8);
  term = static_cast<int64_t>(v);
  return true;
}

// About this many terms share a row: a reader reads a few hundred bytes to a few KiB
// for one list, the writer inserts a row per this many terms.
constexpr size_t kTermsPerBucket = 16;

}  // namespace

int64_t term_of(TermField field, std::string_view value) {
  return static_cast<int64_t>(
      XXH3_64bits_withSeed(value.data(), value.size(), static_cast<uint64_t>(field)));
}

int64_t severity_term(Severity s) {
  const auto level = static_cast<char>(s);
  return term_of(TermField::kSeverity, std::string_view(&level, 1));
}

int64_t all_term() {
  static const int64_t kAll = term_of(TermField::kAll, {});
  return kAll;
}

void encode_postings(std::span<const Posting> sorted, std::string& out) {
  Posting prev{};
  bool first = true;
  for (const Posting& p : sorted) {
    // The first time is absolute (zigzag: pre-1970 times are legal); later ones are
    // non-negative deltas because the list is sorted by time.
    // One append a posting: a push_back a byte was a twentieth of the writer thread.
    char bytes[20];
    char* end = write_varint(bytes, first ? zigzag(p.time) : wrap_sub(p.time, prev.time));
    end = write_varint(end, zigzag(static_cast<int64_t>(wrap_sub(p.id, prev.id))));
    out.append(bytes, end);
    prev = p;
    first = false;
  }
}

bool decode_postings(std::string_view blob, std::vector<Posting>& out) {
  Posting prev{};
  bool first = true;
  while (!blob.empty()) {
    uint64_t t = 0;
    uint64_t d = 0;
    if (!get_varint(blob, t) || !get_varint(blob, d)) return false;
    Posting p;
    p.time = first ? unzigzag(t) : wrap_add(prev.time, t);
    p.id = wrap_add(prev.id, static_cast<uint64_t>(unzigzag(d)));
    if (!first && !(prev < p)) return false;
    out.push_back(p);
    prev = p;
    first = false;
  }
  return true;
}

uint32_t bucket_count_for(size_t terms) {
  return static_cast<uint32_t>(std::bit_floor(std::max<size_t>(1, terms / kTermsPerBucket)));
}

void encode_bucket(std::span<const TermList> sorted, std::string& out) {
  put_varint(out, sorted.size());
  for (const TermList& t : sorted) {
    put_term(out, t.term);
    put_varint(out, t.list.size());
  }
  for (const TermList& t : sorted) out.append(t.list);
}

std::optional<std::string_view> find_in_bucket(std::string_view bucket, int64_t term) {
  uint64_t count = 0;
  if (!get_varint(bucket, count) || count > bucket.size() / 9) return std::nullopt;
  uint64_t offset = 0;  // of the current term's list, after the directory
  std::optional<uint64_t> found_at;
  uint64_t found_size = 0;
  int64_t prev = 0;
  for (uint64_t i = 0; i < count; ++i) {
    int64_t t = 0;
    uint64_t size = 0;
    if (!get_term(bucket, t) || !get_varint(bucket, size)) return std::nullopt;
    if (i > 0 && !(prev < t)) return std::nullopt;
    if (t == term) {
      found_at = offset;
      found_size = size;
    }
    offset += size;
    if (offset > bucket.size()) return std::nullopt;
    prev = t;
  }
  // `bucket` now holds the lists only.
  if (offset != bucket.size()) return std::nullopt;
  if (!found_at) return std::string_view();
  return bucket.substr(*found_at, found_size);
}

}  // namespace vigil::store
