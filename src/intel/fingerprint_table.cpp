#include "intel/fingerprint_table.h"

#include <xxhash.h>

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

}  // namespace vigil::intel
