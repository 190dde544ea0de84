// Corrupt, truncated and mutated databases are refused at start-up with an
// error naming the file; MaxMind's valid test databases are accepted.
#include "enrich/mmdb_verifier.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "core/field_path.h"
#include "enrich/enricher.h"
#include "enrich/mmdb_reader.h"
#include "support/test_data.h"

namespace vigil {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> mmdb_files(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.path().extension() == ".mmdb") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// test-data/ also holds databases broken on purpose (README.md there); their
// names say so.
bool broken_on_purpose(const fs::path& p) {
  const std::string name = p.filename().string();
  return name.find("roken") != std::string::npos || name.find("Invalid") != std::string::npos;
}

Result<std::unique_ptr<Enricher>> open_as(const fs::path& p, bool asn) {
  EnrichConfig config;
  (asn ? config.asn : config.geoip) = p.string();
  return Enricher::create(config);
}

void write_file(const fs::path& p, std::string_view bytes) {
  std::ofstream out(p, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

TEST(EnrichMmdbVerify, EveryBadDataFileIsRefusedNamingTheFile) {
  VIGIL_REQUIRE_DATA(dir, "geoip/bad-data");
  const auto files = mmdb_files(dir);
  EXPECT_EQ(files.size(), 21u);  // the count; a new upstream file shows up here
  for (const fs::path& p : files) {
    for (bool asn : {false, true}) {
      auto e = open_as(p, asn);
      ASSERT_FALSE(e) << p;
      EXPECT_NE(e.error().message.find(p.string()), std::string::npos) << e.error().message;
      EXPECT_NE(e.error().message.find(asn ? "enrich.asn" : "enrich.geoip"), std::string::npos);
    }
    std::cout << "[refused] " << open_as(p, false).error().message << "\n";
  }
}

TEST(EnrichMmdbVerify, ValidTestDatabasesAreAcceptedBrokenOnesRefused) {
  VIGIL_REQUIRE_DATA(dir, "geoip/test-data");
  int accepted = 0;
  for (const fs::path& p : mmdb_files(dir)) {
    auto e = open_as(p, false);
    if (broken_on_purpose(p)) {
      EXPECT_FALSE(e) << p << " is broken on purpose but was accepted";
      if (!e) std::cout << "[refused] " << e.error().message << "\n";
    } else {
      EXPECT_TRUE(e) << e.error().message;
      accepted += e ? 1 : 0;
    }
  }
  EXPECT_GE(accepted, 30);
}

TEST(EnrichMmdbVerify, TruncatedCopiesAreRefused) {
  VIGIL_REQUIRE_DATA(dir, "geoip/test-data");
  const std::string bytes = testing::read_file(dir / "GeoIP2-City-Test.mmdb");
  ASSERT_GT(bytes.size(), 1000u);
  const fs::path tmp = testing::make_temp_dir("vigil-enrich");
  for (size_t n : {size_t{0}, size_t{1}, size_t{100}, bytes.size() / 2, bytes.size() - 300,
                   bytes.size() - 1}) {
    const fs::path p = tmp / ("City-first-" + std::to_string(n) + "-bytes.mmdb");
    write_file(p, std::string_view(bytes).substr(0, n));
    auto e = open_as(p, false);
    ASSERT_FALSE(e) << n;
    EXPECT_NE(e.error().message.find(p.string()), std::string::npos) << e.error().message;
  }
  fs::remove_all(tmp);
}

TEST(EnrichMmdbVerify, EveryPrefixOfAGoodDatabaseIsRefused) {
  VIGIL_REQUIRE_DATA(dir, "geoip/test-data");
  for (const char* name : {"GeoLite2-ASN-Test.mmdb", "MaxMind-DB-test-mixed-28.mmdb"}) {
    const std::string bytes = testing::read_file(dir / name);
    ASSERT_TRUE(mmdb::verify_database(bytes)) << name;
    for (size_t n = 0; n < bytes.size(); ++n) {
      ASSERT_FALSE(mmdb::verify_database(std::string_view(bytes).substr(0, n))) << name << " " << n;
    }
  }
}

// Random byte changes must never crash the verifier, nor libmaxminddb on
// whatever the verifier lets through.
TEST(EnrichMmdbVerify, MutatedDatabasesNeverCrash) {
  VIGIL_REQUIRE_DATA(dir, "geoip/test-data");
  const std::string good = testing::read_file(dir / "GeoIP2-City-Test.mmdb");
  const fs::path tmp = testing::make_temp_dir("vigil-enrich");
  std::mt19937 rng(20240611);
  std::uniform_int_distribution<size_t> pos(0, good.size() - 1);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> count(1, 4);
  int passed = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string bytes = good;
    for (int k = count(rng); k > 0; --k) bytes[pos(rng)] = static_cast<char>(byte(rng));
    if (!mmdb::verify_database(bytes)) continue;
    ++passed;
    const fs::path p = tmp / "mutated.mmdb";
    write_file(p, bytes);
    auto db = MmdbReader::open(p.string());
    ASSERT_TRUE(db) << db.error().message;
    Value scratch = Object{};
    const FieldPath geo("source.geo");
    for (const char* ip :
         {"81.2.69.142", "2.125.160.216", "175.16.199.0", "2001:218::1", "8.8.8.8"}) {
      if (auto record = (*db)->lookup(*IpAddress::parse(ip))) record->write_geo(scratch, geo);
    }
  }
  std::cout << "[mutations] " << passed << " of 2000 still verified (and were looked up)\n";
  fs::remove_all(tmp);
}

TEST(EnrichMmdbVerify, ReportsWhatItVerified) {
  VIGIL_REQUIRE_DATA(dir, "geoip/test-data");
  auto info = mmdb::verify_database(testing::read_file(dir / "GeoIP2-City-Test.mmdb"));
  ASSERT_TRUE(info) << info.error();
  EXPECT_EQ(info->database_type, "GeoIP2-City");
  EXPECT_EQ(info->ip_version, 6);
  EXPECT_GT(info->data_records, 0u);
}

TEST(EnrichMmdbVerify, NotADatabaseAtAll) {
  const fs::path tmp = testing::make_temp_dir("vigil-enrich");
  const fs::path p = tmp / "users.csv";
  write_file(p, "user,department\nalice,finance\n");
  auto e = open_as(p, false);
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().message.find("metadata marker"), std::string::npos) << e.error().message;
  auto d = open_as(tmp, false);  // a directory
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find(tmp.string()), std::string::npos);
  fs::remove_all(tmp);
}

}  // namespace
}  // namespace vigil
