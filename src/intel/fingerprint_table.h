// An open-addressing hash table of 64-bit fingerprints (XXH3 of the value)
// for the exact indicator types: a slot is 16 bytes (fingerprint, and the span
// of matching indicators), four to a cache-line-aligned bucket; a value's home
// is a bucket and probing goes on to the next bucket only when a value was
// placed beyond it (the bucket was full), so a lookup, hit or miss, mostly
// reads one cache line at millions of
// values (std::unordered_map chases two dependent pointers). A fingerprint is not proof: the caller
// verifies the value on a fingerprint hit, and two values that share one simply sit in two slots.
// Built once (the index is immutable), sized at ~70 % load, on huge pages
// (huge_pages.h) when large.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "intel/huge_pages.h"
#include "intel/indicator.h"

namespace vigil::intel {

// The fingerprint of (type, value): what FingerprintTable is keyed by. Never 0
// (0 marks an empty slot).
uint64_t value_fingerprint(IndicatorType type, std::string_view value);

class FingerprintTable {
 public:
  struct Slot {
    uint64_t fingerprint = 0;  // 0: empty
    uint32_t offset = 0;       // the caller's span
    uint32_t count : 31 = 0;   // at most one per source: < 2^24
    // In a bucket's last slot: a value was placed beyond this bucket because
    // it was full, so a probe that reaches it must go on. A full bucket that
    // nothing passed ends the probe: at 6.5 M values 41 % of the buckets are
    // full and 25 % passed over, and a miss reads 1.62 buckets instead of 2.07.
    uint32_t passed_over : 1 = 0;
  };

  FingerprintTable() = default;
  // Room for `entries` inserts.
  explicit FingerprintTable(size_t entries);

  void insert(uint64_t fingerprint, uint32_t offset, uint32_t count);

  // Starts loading the fingerprint's bucket: batched lookups issue this for a
  // group of values before probing any, so that their cache misses overlap.
  void prefetch(uint64_t fingerprint) const {
    if (!buckets_.empty()) __builtin_prefetch(&buckets_[home(fingerprint)]);
  }

  // The slot with this fingerprint for which verify(slot) holds, or null.
  template <typename Verify>
  const Slot* find(uint64_t fingerprint, Verify&& verify) const {
    if (buckets_.empty()) return nullptr;
    for (size_t b = home(fingerprint);; b = next(b)) {
      for (const Slot& s : buckets_[b].slots) {
        if (s.fingerprint == 0) return nullptr;
        if (s.fingerprint == fingerprint && verify(s)) return &s;
      }
      if (!buckets_[b].slots[kBucketSlots - 1].passed_over) return nullptr;
    }
  }

  // present[i] = whether any slot holds fingerprints[i] (up to kMaxBatch of
  // them): the miss path of a batch, which needs no verification. Probed
  // without a branch on what a bucket holds: a mispredicted branch on a
  // bucket still in flight throws away the loads issued after it, so one
  // lookup at a time (a miss goes on to a second bucket for one in four)
  // read ~10 M buckets/s at millions of values whatever was prefetched,
  // against ~90 M/s for independent loads on the same machine.
  static constexpr size_t kMaxBatch = 64;
  void contains(std::span<const uint64_t> fingerprints, std::span<bool> present) const;

  size_t capacity() const { return buckets_.size() * kBucketSlots; }

 private:
  static constexpr size_t kBucketSlots = 4;
  struct alignas(64) Bucket {
    Slot slots[kBucketSlots];
  };
  // Maps the fingerprint onto [0, buckets) without a power-of-two size (no
  // rounding up to twice the memory): the high half of a 64×64 product.
  size_t home(uint64_t fingerprint) const {
    return static_cast<size_t>((static_cast<unsigned __int128>(fingerprint) * buckets_.size()) >>
                               64);
  }
  size_t next(size_t b) const { return b + 1 == buckets_.size() ? 0 : b + 1; }
  void prefetch_bucket(size_t b) const { __builtin_prefetch(&buckets_[b]); }

  std::vector<Bucket, HugePageAllocator<Bucket>> buckets_;
};

}  // namespace vigil::intel
