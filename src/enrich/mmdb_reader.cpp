#include "enrich/mmdb_reader.h"

#include <fmt/core.h>
#include <maxminddb.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace vigil {
namespace {

// Typed reads of one record. A missing path is normal (databases differ in
// what they carry); any other failing status is counted as an error.
class RecordReader {
 public:
  RecordReader(MMDB_entry_s entry, std::atomic<uint64_t>& errors)
      : entry_(entry), errors_(errors) {}

  std::string string(const char* const* path) {
    MMDB_entry_data_s d;
    if (!get(path, d) || d.type != MMDB_DATA_TYPE_UTF8_STRING) return {};
    return std::string(d.utf8_string, d.data_size);
  }

  std::optional<double> number(const char* const* path) {
    MMDB_entry_data_s d;
    if (!get(path, d)) return std::nullopt;
    if (d.type == MMDB_DATA_TYPE_DOUBLE) return d.double_value;
    if (d.type == MMDB_DATA_TYPE_FLOAT) return d.float_value;
    return std::nullopt;
  }

  std::optional<uint64_t> uint(const char* const* path) {
    MMDB_entry_data_s d;
    if (!get(path, d)) return std::nullopt;
    switch (d.type) {
      case MMDB_DATA_TYPE_UINT16:
        return d.uint16;
      case MMDB_DATA_TYPE_UINT32:
        return d.uint32;
      case MMDB_DATA_TYPE_UINT64:
        return d.uint64;
      case MMDB_DATA_TYPE_INT32:
        if (d.int32 >= 0) return static_cast<uint64_t>(d.int32);
        return std::nullopt;
      default:
        return std::nullopt;
    }
  }

  // Entries in the array at `path` (0 when absent or not an array).
  uint32_t array_size(const char* const* path) {
    MMDB_entry_data_s d;
    if (!get(path, d) || d.type != MMDB_DATA_TYPE_ARRAY) return 0;
    return d.data_size;
  }

 private:
  bool get(const char* const* path, MMDB_entry_data_s& d) {
    MMDB_entry_s entry = entry_;  // the API takes a non-const pointer
    const int status = MMDB_aget_value(&entry, &d, path);
    if (status == MMDB_SUCCESS) return d.has_data;
    if (status != MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR) {
      errors_.fetch_add(1, std::memory_order_relaxed);
    }
    return false;
  }

  MMDB_entry_s entry_;
  std::atomic<uint64_t>& errors_;
};

void read_geo(RecordReader& r, GeoRecord& out) {
  static constexpr const char* kContinentCode[] = {"continent", "code", nullptr};
  static constexpr const char* kContinentName[] = {"continent", "names", "en", nullptr};
  static constexpr const char* kCountryIso[] = {"country", "iso_code", nullptr};
  static constexpr const char* kCountryName[] = {"country", "names", "en", nullptr};
  // Country-only databases outside MaxMind's schema (ip-location-db) use this.
  static constexpr const char* kFlatCountry[] = {"country_code", nullptr};
  static constexpr const char* kCity[] = {"city", "names", "en", nullptr};
  static constexpr const char* kPostal[] = {"postal", "code", nullptr};
  static constexpr const char* kTimezone[] = {"location", "time_zone", nullptr};
  static constexpr const char* kLatitude[] = {"location", "latitude", nullptr};
  static constexpr const char* kLongitude[] = {"location", "longitude", nullptr};
  static constexpr const char* kSubdivisions[] = {"subdivisions", nullptr};

  out.continent_code = r.string(kContinentCode);
  out.continent_name = r.string(kContinentName);
  out.country_iso_code = r.string(kCountryIso);
  if (out.country_iso_code.empty()) out.country_iso_code = r.string(kFlatCountry);
  out.country_name = r.string(kCountryName);
  out.city_name = r.string(kCity);
  out.postal_code = r.string(kPostal);
  out.timezone = r.string(kTimezone);
  auto lat = r.number(kLatitude);
  auto lon = r.number(kLongitude);
  if (lat && lon) {
    out.latitude = lat;
    out.longitude = lon;
  }
  // The most specific subdivision, as Elastic's geoip processor reports it.
  if (const uint32_t n = r.array_size(kSubdivisions); n > 0) {
    const std::string last = std::to_string(n - 1);
    const char* iso[] = {"subdivisions", last.c_str(), "iso_code", nullptr};
    const char* name[] = {"subdivisions", last.c_str(), "names", "en", nullptr};
    const std::string code = r.string(iso);
    if (!code.empty() && !out.country_iso_code.empty()) {
      out.region_iso_code = out.country_iso_code + "-" + code;
    }
    out.region_name = r.string(name);
  }
}

void read_as(RecordReader& r, GeoRecord& out) {
  // ASN and ISP databases carry these at the top; Enterprise under traits.
  static constexpr const char* kNumber[] = {"autonomous_system_number", nullptr};
  static constexpr const char* kOrg[] = {"autonomous_system_organization", nullptr};
  static constexpr const char* kTraitsNumber[] = {"traits", "autonomous_system_number", nullptr};
  static constexpr const char* kTraitsOrg[] = {"traits", "autonomous_system_organization", nullptr};
  auto number = r.uint(kNumber);
  std::string org = r.string(kOrg);
  if (!number) {
    number = r.uint(kTraitsNumber);
    if (org.empty()) org = r.string(kTraitsOrg);
  }
  if (number) {
    out.as_number = number;
    out.as_organization = std::move(org);
  }
}

}  // namespace

Result<std::unique_ptr<MmdbReader>> MmdbReader::open(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return make_error(ErrorCode::kIo,
                      fmt::format("{}: no such file (or not a regular file)", path));
  }
  const auto size = std::filesystem::file_size(path, ec);
  std::ifstream in(path, std::ios::binary);
  if (ec || !in) {
    return make_error(ErrorCode::kIo,
                      fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  }
  std::string bytes(size, '\0');
  if (!in.read(bytes.data(), static_cast<std::streamsize>(size)) || in.peek() != EOF) {
    return make_error(ErrorCode::kIo, fmt::format("{}: read failed (file changing?)", path));
  }

  auto info = mmdb::verify_database(bytes);
  if (!info) {
    return make_error(ErrorCode::kInvalidInput,
                      fmt::format("{}: corrupt or not a MaxMind database: {}", path, info.error()));
  }
  std::unique_ptr<MmdbReader> reader(new MmdbReader);
  reader->path_ = path;
  reader->info_ = std::move(*info);
  reader->db_ = std::make_unique<MMDB_s>();
  const int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, reader->db_.get());
  if (status != MMDB_SUCCESS) {
    std::string why = MMDB_strerror(status);
    if (status == MMDB_IO_ERROR) why += fmt::format(" ({})", std::strerror(errno));
    return make_error(ErrorCode::kInvalidInput,
                      fmt::format("{}: libmaxminddb refused it: {}", path, why));
  }
  reader->opened_ = true;
  // Guards against the file being replaced between our read and the mmap.
  const MMDB_s& db = *reader->db_;
  if (db.file_size < 0 || static_cast<size_t>(db.file_size) != bytes.size() ||
      std::memcmp(db.file_content, bytes.data(), bytes.size()) != 0) {
    return make_error(ErrorCode::kIo,
                      fmt::format("{}: changed while being opened; replace database files "
                                  "atomically (write a new file, then rename it)",
                                  path));
  }
  return reader;
}

MmdbReader::~MmdbReader() {
  if (opened_) MMDB_close(db_.get());
}

std::shared_ptr<const GeoRecord> MmdbReader::lookup(const IpAddress& ip) const {
  if (ip.v6 && info_.ip_version == 4) return nullptr;  // cannot be in an IPv4-only tree
  sockaddr_storage storage{};
  if (ip.v6) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&storage);
    sin6->sin6_family = AF_INET6;
    std::memcpy(&sin6->sin6_addr, ip.bytes.data(), 16);
  } else {
    auto* sin = reinterpret_cast<sockaddr_in*>(&storage);
    sin->sin_family = AF_INET;
    std::memcpy(&sin->sin_addr, ip.bytes.data(), 4);
  }
  int error = MMDB_SUCCESS;
  const MMDB_lookup_result_s result =
      MMDB_lookup_sockaddr(db_.get(), reinterpret_cast<const sockaddr*>(&storage), &error);
  if (error != MMDB_SUCCESS) {
    errors_.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  if (!result.found_entry) return nullptr;
  if (auto cached = cache_.find(result.entry.offset)) return cached;
  auto record = std::make_shared<GeoRecord>();
  RecordReader reader(result.entry, errors_);
  read_geo(reader, *record);
  read_as(reader, *record);
  cache_.insert(result.entry.offset, record);
  return record;
}

}  // namespace vigil
