#include "store/posting_codec.h"

#include <xxhash.h>

namespace vigil::store {
namespace {

// Varints: times inside a list are close together and ids nearly consecutive, so most
// deltas take one or two bytes.
void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
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
    put_varint(out, first ? zigzag(p.time) : wrap_sub(p.time, prev.time));
    put_varint(out, zigzag(static_cast<int64_t>(wrap_sub(p.id, prev.id))));
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

}  // namespace vigil::store
