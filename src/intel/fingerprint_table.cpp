#include "intel/fingerprint_table.h"

#include <xxhash.h>

#include <algorithm>

namespace vigil::intel {

uint64_t value_fingerprint(IndicatorType type, std::string_view value) {
  const uint64_t h = XXH3_64bits_withSeed(value.data(), value.size(), static_cast<uint64_t>(type));
  return h == 0 ? 1 : h;
}

FingerprintTable::FingerprintTable(size_t entries) {
  // ~70 % load: a bucket of four is rarely full, so probes stay in one line.
  // At least one empty slot always remains, which ends every probe.
  if (entries > 0) buckets_.resize((entries + entries * 3 / 7) / kBucketSlots + 1);
}

void FingerprintTable::insert(uint64_t fingerprint, uint32_t offset, uint32_t count) {
  for (size_t b = home(fingerprint);; b = next(b)) {
    for (Slot& s : buckets_[b].slots) {
      if (s.fingerprint != 0) continue;
      s = Slot{fingerprint, offset, count};
      return;
    }
  }
}

void FingerprintTable::contains(std::span<const uint64_t> fingerprints,
                                std::span<bool> present) const {
  const size_t n = fingerprints.size();
  if (buckets_.empty()) {
    std::fill_n(present.begin(), n, false);
    return;
  }
  // Rounds: each probes one bucket of every pending fingerprint; those whose
  // bucket was full without it go on to the next bucket in the next round.
  uint32_t pending[kMaxBatch];
  size_t bucket[kMaxBatch];
  for (size_t i = 0; i < n; ++i) {
    pending[i] = static_cast<uint32_t>(i);
    bucket[i] = home(fingerprints[i]);
  }
  for (size_t count = n; count > 0;) {
    size_t more = 0;
    for (size_t j = 0; j < count; ++j) {
      const uint32_t i = pending[j];
      const uint64_t fingerprint = fingerprints[i];
      const Slot* slots = buckets_[bucket[i]].slots;
      bool found = false, full = true;
      for (size_t k = 0; k < kBucketSlots; ++k) {
        found |= slots[k].fingerprint == fingerprint;
        full &= slots[k].fingerprint != 0;
      }
      present[i] = found;
      bucket[i] = next(bucket[i]);
      pending[more] = i;  // kept only when counted
      more += static_cast<size_t>(!found & full);
    }
    for (size_t j = 0; j < more; ++j) prefetch_bucket(bucket[pending[j]]);
    count = more;
  }
}

}  // namespace vigil::intel
