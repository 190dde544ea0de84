// One MaxMind database (.mmdb): proven well-formed when opened, then read
// through libmaxminddb. Lookups are read-only and safe from many threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "core/error.h"
#include "enrich/geo_record.h"
#include "enrich/ip_address.h"
#include "enrich/mmdb_verifier.h"
#include "enrich/record_cache.h"

struct MMDB_s;  // libmaxminddb stays out of vigil's headers

namespace vigil {

class MmdbReader {
 public:
  // Reads and verifies the whole file (mmdb::verify_database), then opens it
  // with libmaxminddb and checks libmaxminddb maps the very bytes verified.
  // Errors name the file and the first problem found.
  static Result<std::unique_ptr<MmdbReader>> open(const std::string& path);
  ~MmdbReader();
  MmdbReader(const MmdbReader&) = delete;
  MmdbReader& operator=(const MmdbReader&) = delete;

  // What the database knows about `ip` (English names); null when the
  // address is not in the database, or the lookup failed.
  std::shared_ptr<const GeoRecord> lookup(const IpAddress& ip) const;

  const mmdb::DatabaseInfo& info() const { return info_; }
  const std::string& path() const { return path_; }
  // Lookups libmaxminddb failed (never expected after verification; counted
  // so that a surprise is visible rather than silent).
  uint64_t lookup_errors() const { return errors_.load(std::memory_order_relaxed); }

 private:
  // ~0.5 KiB per record: a few MiB at most per database.
  static constexpr size_t kCachedRecords = 8192;

  MmdbReader() = default;

  std::unique_ptr<MMDB_s> db_;
  bool opened_ = false;
  std::string path_;
  mmdb::DatabaseInfo info_;
  mutable std::atomic<uint64_t> errors_{0};
  RecordCache cache_{kCachedRecords};
};

}  // namespace vigil
