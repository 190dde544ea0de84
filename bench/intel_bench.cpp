// Intel store throughput: exact lookups (hashes, IPs, domains), CIDR lookups
// over a large prefix set, and CSV/text import rate. A plain harness, not
// Google Benchmark, so it also runs where libbenchmark is absent; every figure
// in docs/intel.md comes from it.
//
// Hypotheses: a miss costs one hash probe per distinct prefix length (IPs) or
// one string-hash probe (exact types), so ≥ 10 M exact and ≥ 5 M CIDR lookups/s
// on one core; import is bound by line splitting and normalization.
//
// Build (Release, outside the sanitizer tree; the bench CMakeLists does not list it yet):
//   g++ -O2 -DNDEBUG -std=c++20 -Isrc bench/intel_bench.cpp src/intel/{indicator,normalize,\
//     url_normalizer,ip_prefix,prefix_table,indicator_index,allowlist,lifetimes,\
//     indicator_store,feed_reader,feed_lines,csv_columns,csv_feed_reader,text_feed_reader,\
//     stix_pattern,stix_translate,stix_feed_reader,misp_types,misp_feed_reader}.cpp \
//     src/core/{strings,timestamp,severity}.cpp src/enrich/ip_address.cpp \
//     -lfmt -lsimdjson -o /tmp/intel_bench
//   /tmp/intel_bench [indicators=1000000]
#include <fmt/format.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "intel/feed_reader.h"
#include "intel/indicator_store.h"

namespace {

using namespace vigil;
using namespace vigil::intel;

constexpr Timestamp kNow{1'748'736'000'000'000};

// CPU time of this thread, not wall time: the machines this runs on are shared,
// and a lookup rate should not depend on what the neighbours compile.
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double seconds_since(double t0) {
  return cpu_seconds() - t0;
}

long rss_kb() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

std::string ipv4_text(uint32_t a) {
  return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

std::string hex_hash(std::mt19937_64& rng, int chars) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(static_cast<size_t>(chars), '0');
  for (char& c : s) c = kHex[rng() & 15];
  return s;
}

Indicator make(std::string value, IndicatorType type) {
  Indicator i;
  i.value = std::move(value);
  i.type = type;
  i.valid_until = Timestamp{kNow.micros + 86'400'000'000};
  return i;
}

// Runs `lookup(i)` over the probe set `rounds` times; returns lookups/s.
template <typename F>
double rate(size_t probes, size_t rounds, F&& lookup, size_t& hits) {
  const double t0 = cpu_seconds();
  for (size_t r = 0; r < rounds; ++r) {
    for (size_t i = 0; i < probes; ++i) hits += lookup(i) ? 1 : 0;
  }
  return static_cast<double>(probes * rounds) / seconds_since(t0);
}

void bench_exact(size_t n, std::mt19937_64& rng) {
  std::vector<Indicator> inds;
  std::vector<std::string> hashes, ips, domains;
  for (size_t i = 0; i < n; ++i) {
    hashes.push_back(hex_hash(rng, 64));
    ips.push_back(ipv4_text(static_cast<uint32_t>(rng())));
    domains.push_back(fmt::format("h{}.bad{}.example", rng() % 100000, i));
    inds.push_back(make(hashes.back(), IndicatorType::kSha256));
    inds.push_back(make(ips.back(), IndicatorType::kIpv4));
    inds.push_back(make(domains.back(), IndicatorType::kDomain));
  }
  const long rss0 = rss_kb();
  const double t0 = cpu_seconds();
  IndicatorStore store(Allowlist{});
  store.replace_source("bench", std::move(inds));
  fmt::print("exact: {} indicators indexed in {:.2f} s, RSS +{} MB\n", 3 * n, seconds_since(t0),
             (rss_kb() - rss0) / 1024);
  const size_t probes = 1 << 20;
  std::vector<std::string> miss_hashes, miss_ips, hit_hashes;
  std::vector<IpPrefix> miss_ip_parsed;
  for (size_t i = 0; i < probes; ++i) {
    miss_hashes.push_back(hex_hash(rng, 64));
    miss_ips.push_back(ipv4_text(static_cast<uint32_t>(rng())));
    miss_ip_parsed.push_back(*IpPrefix::parse(miss_ips.back()));
    hit_hashes.push_back(hashes[rng() % n]);
  }
  size_t hits = 0;
  const auto st = IndicatorType::kSha256;
  fmt::print(
      "  sha256 miss  {:6.2f} M/s\n",
      rate(
          probes, 4, [&](size_t i) { return store.lookup(miss_hashes[i], st, kNow); }, hits) /
          1e6);
  fmt::print("  sha256 hit   {:6.2f} M/s (builds the aggregated result)\n",
             rate(
                 probes, 2, [&](size_t i) { return store.lookup(hit_hashes[i], st, kNow); }, hits) /
                 1e6);
  fmt::print("  ipv4 miss (text)   {:6.2f} M/s\n",
             rate(
                 probes, 4, [&](size_t i) { return store.lookup(miss_ips[i], std::nullopt, kNow); },
                 hits) /
                 1e6);
  fmt::print(
      "  ipv4 miss (parsed) {:6.2f} M/s\n",
      rate(
          probes, 4, [&](size_t i) { return store.lookup_ip(miss_ip_parsed[i], kNow); }, hits) /
          1e6);
  fmt::print("  domain miss  {:6.2f} M/s (exact + parent walk)\n",
             rate(
                 probes, 2,
                 [&](size_t i) {
                   return store.lookup(miss_ips[i] + ".example", IndicatorType::kDomain, kNow);
                 },
                 hits) /
                 1e6);
  fmt::print("  (hits: {})\n", hits);
}

// Prefix lengths as blocklists mix them: mostly hosts and /24s, some wider.
int blocklist_length(std::mt19937_64& rng) {
  const auto r = rng() % 100;
  if (r < 60) return 32;
  if (r < 85) return 24;
  return 12 + static_cast<int>(rng() % 12);  // /12../23
}

// Prefixes live in 0.0.0.0/1, so probes in 128.0.0.0/1 always miss (every
// length level probed: the common case for event traffic) and probes at a
// listed prefix's address always hit.
void bench_cidr(size_t n, std::mt19937_64& rng) {
  std::vector<Indicator> inds;
  std::vector<uint32_t> listed;
  for (size_t i = 0; i < n; ++i) {
    const int len = blocklist_length(rng);
    const uint32_t bits = static_cast<uint32_t>(rng()) & 0x7fffffffu;
    IpPrefix p{false, bits & prefix_mask(false, len), len};
    listed.push_back(static_cast<uint32_t>(p.bits));
    inds.push_back(make(p.to_string(), p.is_host() ? IndicatorType::kIpv4 : IndicatorType::kCidr));
  }
  const double t0 = cpu_seconds();
  IndicatorStore store(Allowlist{});
  store.replace_source("bench", std::move(inds));
  fmt::print("cidr: {} prefixes (60% /32, 25% /24, 15% /12../23) indexed in {:.2f} s\n", n,
             seconds_since(t0));
  const size_t probes = 1 << 20;
  std::vector<IpPrefix> misses, hits_at;
  for (size_t i = 0; i < probes; ++i) {
    misses.push_back(IpPrefix{false, static_cast<uint32_t>(rng()) | 0x80000000u, 32});
    hits_at.push_back(IpPrefix{false, listed[rng() % n], 32});
  }
  size_t hits = 0;
  const double miss = rate(
      probes, 4, [&](size_t i) { return store.lookup_ip(misses[i], kNow); }, hits);
  fmt::print("  miss {:6.2f} M/s (hits {})\n", miss / 1e6, hits);
  hits = 0;
  const double hit = rate(
      probes, 1, [&](size_t i) { return store.lookup_ip(hits_at[i], kNow); }, hits);
  fmt::print("  hit  {:6.2f} M/s (hits {}, builds the aggregated result)\n", hit / 1e6, hits);
}

void bench_import(size_t n, std::mt19937_64& rng) {
  const auto dir = std::filesystem::temp_directory_path() / "vigil_intel_bench";
  std::filesystem::create_directories(dir);
  {
    std::ofstream csv(dir / "feodo.csv"), txt(dir / "ips.txt");
    csv << "# "
           "banner\n\"first_seen_utc\",\"dst_ip\",\"dst_port\",\"c2_status\",\"last_online\","
           "\"malware\"\n";
    for (size_t i = 0; i < n; ++i) {
      const std::string ip = ipv4_text(static_cast<uint32_t>(rng()));
      csv << "\"2024-02-08 19:20:49\",\"" << ip
          << "\",\"443\",\"online\",\"2024-04-01\",\"Pikabot\"\n";
      txt << ip << "\n";
    }
    csv << "# END " << n << " entries\n";
  }
  FeedOptions o;
  o.source = "bench";
  o.now = kNow;
  o.csv = *csv_preset("feodo");
  double t0 = cpu_seconds();
  auto csv = import_feed("csv", dir / "feodo.csv", o);
  const double csv_s = seconds_since(t0);
  t0 = cpu_seconds();
  auto txt = import_feed("text", dir / "ips.txt", o);
  const double txt_s = seconds_since(t0);
  fmt::print("import: csv (feodo preset) {} rows {:.2f} M/s; text {} lines {:.2f} M/s\n",
             csv->records, csv->records / csv_s / 1e6, txt->records, txt->records / txt_s / 1e6);
  std::filesystem::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
  const size_t n = argc > 1 ? std::stoul(argv[1]) : 1'000'000;
  std::mt19937_64 rng(42);
  bench_exact(n, rng);
  bench_cidr(n, rng);
  bench_import(n, rng);
}
