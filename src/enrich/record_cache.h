// What was read from each MaxMind data record, kept by record offset. Many
// addresses share one record (a city, an AS) and records never change, while
// reading one through libmaxminddb costs ~2 µs (a dozen map walks) against
// ~0.2 µs for the tree lookup itself. Bounded; sharded locks keep worker
// threads from queueing on one mutex.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "enrich/geo_record.h"

namespace vigil {

class RecordCache {
 public:
  // At most `capacity` records (rounded to whole shards). A full shard is
  // emptied rather than kept in LRU order: no bookkeeping on hits, and a
  // working set that fits stays cached.
  explicit RecordCache(size_t capacity);

  std::shared_ptr<const GeoRecord> find(uint32_t offset) const;
  void insert(uint32_t offset, std::shared_ptr<const GeoRecord> record) const;

 private:
  static constexpr size_t kShards = 16;
  struct Shard {
    std::mutex mu;
    std::unordered_map<uint32_t, std::shared_ptr<const GeoRecord>> records;
  };
  Shard& shard(uint32_t offset) const;

  size_t per_shard_;
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace vigil
