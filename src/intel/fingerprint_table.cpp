#include "intel/fingerprint_table.h"

#include <xxhash.h>

namespace vigil::intel {

uint64_t value_fingerprint(IndicatorType type, std::string_view value) {
  const uint64_t h = XXH3_64bits_withSeed(value.data(), value.size(), static_cast<uint64_t>(type));
  return h == 0 ? 1 : h;
}

FingerprintTable::FingerprintTable(size_t entries) {
  // ~70 % load: linear probing stays within the home cache line almost always.
  if (entries > 0) slots_.resize(entries + entries * 3 / 7 + 1);
}

void FingerprintTable::insert(uint64_t fingerprint, uint32_t offset, uint32_t count) {
  size_t i = home(fingerprint);
  while (slots_[i].fingerprint != 0) i = next(i);
  slots_[i] = Slot{fingerprint, offset, count};
}

}  // namespace vigil::intel
