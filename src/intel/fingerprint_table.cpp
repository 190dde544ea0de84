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
    Slot* slots = buckets_[b].slots;
    for (size_t k = 0; k < kBucketSlots; ++k) {
      if (slots[k].fingerprint != 0) continue;
      slots[k].fingerprint = fingerprint;  // passed_over (in the last slot) stays as it is
      slots[k].offset = offset;
      slots[k].count = count;
      return;
    }
    slots[kBucketSlots - 1].passed_over = 1;
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
  // bucket was passed over without holding it go on to the next bucket.
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
      bool found = false;
      for (size_t k = 0; k < kBucketSlots; ++k) found |= slots[k].fingerprint == fingerprint;
      present[i] = found;
      bucket[i] = next(bucket[i]);
      pending[more] = i;  // kept only when counted
      const bool passed_over = slots[kBucketSlots - 1].passed_over;
      more += static_cast<size_t>(!found & passed_over);
    }
    for (size_t j = 0; j < more; ++j) prefetch_bucket(bucket[pending[j]]);
    count = more;
  }
}

}  // namespace vigil::intel
