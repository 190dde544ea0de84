// The per-database record cache: hits return what was stored, and a full
// shard is emptied rather than growing.
#include "enrich/record_cache.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

TEST(EnrichRecordCache, ReturnsWhatWasStoredAndStaysBounded) {
  RecordCache cache(64);
  for (uint32_t offset = 0; offset < 10000; ++offset) {
    auto record = std::make_shared<GeoRecord>();
    record->city_name = "city " + std::to_string(offset);
    cache.insert(offset, record);
    ASSERT_EQ(cache.find(offset), record);  // just inserted: always there
  }
  size_t kept = 0;
  for (uint32_t offset = 0; offset < 10000; ++offset) {
    if (auto r = cache.find(offset)) {
      EXPECT_EQ(r->city_name, "city " + std::to_string(offset));
      ++kept;
    }
  }
  EXPECT_GT(kept, 0u);
  EXPECT_LE(kept, 64u + 16u);  // capacity, rounded up to whole shards
  EXPECT_EQ(cache.find(123456), nullptr);
}

}  // namespace
}  // namespace vigil
