#include "enrich/record_cache.h"

namespace vigil {

RecordCache::RecordCache(size_t capacity) : per_shard_(capacity / kShards + 1) {}

RecordCache::Shard& RecordCache::shard(uint32_t offset) const {
  // Record offsets are spread but not uniform in the low bits: mix them.
  return shards_[(offset * 2654435761u) >> 28];
}

std::shared_ptr<const GeoRecord> RecordCache::find(uint32_t offset) const {
  Shard& s = shard(offset);
  std::lock_guard lock(s.mu);
  auto it = s.records.find(offset);
  return it == s.records.end() ? nullptr : it->second;
}

void RecordCache::insert(uint32_t offset, std::shared_ptr<const GeoRecord> record) const {
  Shard& s = shard(offset);
  std::lock_guard lock(s.mu);
  if (s.records.size() >= per_shard_) s.records.clear();
  s.records.emplace(offset, std::move(record));
}

}  // namespace vigil
