// Intel store throughput: exact lookups (hashes, IPs, domains), CIDR lookups
// over a large prefix set, CSV/text import rate, and (--mixed N) the memory
// and lookup rates with N mixed indicators loaded. A plain harness, not
// Google Benchmark, so it also runs where libbenchmark is absent; every figure
// in docs/intel.md comes from it.
//
// Hypotheses: a miss costs one fingerprint-table cache line (exact types) or a
// bucket read plus a short binary search (IPs), so ≥ 10 M exact and ≥ 5 M CIDR
// lookups/s on one core; packed indicators cost ~50 bytes plus their value, so
// 10 M fit in 1.5 GB; import is bound by line splitting and normalization.
//
// Build (Release tree, see docs/benchmarks.md):
//   cmake --build build/rel --target intel_bench
//   build/rel/bench/intel_bench [indicators=1000000]
//   build/rel/bench/intel_bench --mixed 10000000
//   build/rel/bench/intel_bench --mixed-hot 10000000  # per type, probe text in cache
//   build/rel/bench/intel_bench --mixed-hot 10000000 --only ipv4 --rounds 5  # one row
//   build/rel/bench/intel_bench --mixed-matcher 10000000  # IntelMatcher::match on events
#include <fmt/format.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "core/allocator_tuning.h"
#include "core/field_path.h"
#include "intel/feed_reader.h"
#include "intel/indicator_store.h"
#include "intel/intel_matcher.h"
#include "intel/packed_feed.h"

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

long status_kb(std::string_view key, const char* file = "/proc/self/status") {
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with(key)) return std::stol(line.substr(key.size()));
  }
  return -1;
}
long rss_kb() {
  return status_kb("VmRSS:");
}
long hwm_kb() {
  return status_kb("VmHWM:");
}
// Memory on transparent huge pages (huge_pages.h).
long huge_kb() {
  return status_kb("AnonHugePages:", "/proc/self/smaps_rollup");
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

// Batched lookups (View::check) as event matching makes them: each group of
// kBatch probes is normalized into LookupKeys, then checked as one batch.
constexpr size_t kBatch = 64;

double batch_rate(const IndicatorStore::View& view, const std::vector<std::string>& probes,
                  IndicatorType type, size_t rounds, size_t& hits) {
  std::vector<LookupKey> keys(kBatch);
  std::vector<Verdict> out(kBatch);
  const double t0 = cpu_seconds();
  for (size_t r = 0; r < rounds; ++r) {
    for (size_t base = 0; base < probes.size(); base += kBatch) {
      const size_t n = std::min(kBatch, probes.size() - base);
      size_t k = 0;
      for (size_t i = 0; i < n; ++i) k += normalize_key(probes[base + i], type, keys[k]) ? 1 : 0;
      view.check(std::span<const LookupKey>(keys.data(), k), kNow, out);
      for (size_t i = 0; i < k; ++i) hits += out[i] ? 1 : 0;
    }
  }
  return static_cast<double>(probes.size() * rounds) / seconds_since(t0);
}

// As batch_rate, but each probe's text is written into a small buffer just
// before its batch is normalized, as an event's fields sit in cache right after
// parsing: the table stays cold (a fresh random value per probe), the probe
// text does not. The writing is counted in the time.
double hot_batch_rate(const IndicatorStore::View& view, size_t probes, uint64_t seed,
                      size_t& hits) {
  // Two hex characters per random byte, so writing a probe costs little next to the lookup.
  static const auto kPairs = [] {
    std::array<std::array<char, 2>, 256> pairs{};
    for (size_t b = 0; b < 256; ++b)
      pairs[b] = {"0123456789abcdef"[b >> 4], "0123456789abcdef"[b & 15]};
    return pairs;
  }();
  std::vector<LookupKey> keys(kBatch);
  std::vector<Verdict> out(kBatch);
  std::vector<std::string> text(kBatch, std::string(64, 'a'));
  const double t0 = cpu_seconds();
  for (size_t base = 0; base < probes; base += kBatch) {
    for (size_t i = 0; i < kBatch; ++i) {
      uint64_t x = seed + base + i;
      char* p = text[i].data();
      for (size_t w = 0; w < 64; w += 16) {
        x = x * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
        const uint64_t r = x ^ (x >> 29);
        for (size_t b = 0; b < 8; ++b)
          std::memcpy(p + w + 2 * b, kPairs[(r >> (8 * b)) & 255].data(), 2);
      }
    }
    size_t k = 0;
    for (size_t i = 0; i < kBatch; ++i) {
      k += normalize_key(text[i], IndicatorType::kSha256, keys[k]) ? 1 : 0;
    }
    view.check(std::span<const LookupKey>(keys.data(), k), kNow, out);
    for (size_t i = 0; i < k; ++i) hits += out[i] ? 1 : 0;
  }
  return static_cast<double>(probes) / seconds_since(t0);
}

double batch_ip_rate(const IndicatorStore::View& view, const std::vector<IpPrefix>& probes,
                     size_t rounds, size_t& hits) {
  std::vector<Verdict> out(kBatch);
  const double t0 = cpu_seconds();
  for (size_t r = 0; r < rounds; ++r) {
    for (size_t base = 0; base < probes.size(); base += kBatch) {
      const size_t n = std::min(kBatch, probes.size() - base);
      view.check_ip(std::span<const IpPrefix>(probes.data() + base, n), kNow, out);
      for (size_t i = 0; i < n; ++i) hits += out[i] ? 1 : 0;
    }
  }
  return static_cast<double>(probes.size() * rounds) / seconds_since(t0);
}

void bench_exact(size_t n, std::mt19937_64& rng, bool hot_only) {
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
  fmt::print(
      "exact: {} indicators packed and indexed in {:.2f} s, RSS +{} MB ({} MB on huge pages)\n",
      3 * n, seconds_since(t0), (rss_kb() - rss0) / 1024, huge_kb() / 1024);
  // The matcher takes one view per event; a lookup through it loads no atomic.
  const auto view = store.view();
  const size_t probes = 1 << 20;
  if (hot_only) {  // --exact-hot: the batched, probe-text-hot section five times, for A/B runs
    for (int round = 0; round < 5; ++round) {
      size_t h = 0;
      fmt::print("  sha256 miss, batched, probe text hot {:6.2f} M/s\n",
                 hot_batch_rate(view, 4 * probes, rng(), h) / 1e6);
    }
    return;
  }
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
  const auto report = [&](std::string_view what, size_t rounds, auto&& lookup) {
    fmt::print("  {:<34} {:6.2f} M/s\n", what, rate(probes, rounds, lookup, hits) / 1e6);
  };
  report("sha256 miss", 4, [&](size_t i) { return view.lookup(miss_hashes[i], st, kNow); });
  report("sha256 hit (aggregated result)", 2,
         [&](size_t i) { return view.lookup(hit_hashes[i], st, kNow); });
  const auto batched = [&](std::string_view what, const std::vector<std::string>& probes,
                           IndicatorType type) {
    size_t h = 0;
    const double r = batch_rate(view, probes, type, 4, h);
    fmt::print("  {:<34} {:6.2f} M/s ({} matched)\n", what, r / 1e6, h);
  };
  batched("sha256 miss, batched verdicts", miss_hashes, st);
  {
    size_t h = 0;
    const double r = hot_batch_rate(view, 4 * probes, rng(), h);
    fmt::print("  {:<34} {:6.2f} M/s ({} matched)\n", "sha256 miss, batched, probe text hot",
               r / 1e6, h);
  }
  {
    std::vector<LookupKey> keys(kBatch);
    size_t ok = 0;
    const double t1 = cpu_seconds();
    for (size_t r = 0; r < 4; ++r)
      for (size_t i = 0; i < probes; ++i) ok += normalize_key(miss_hashes[i], st, keys[i % kBatch]);
    fmt::print("  normalize only {:6.2f} M/s {}\n", 4.0 * probes / seconds_since(t1) / 1e6, ok);
    uint64_t x = 0;
    const double t2 = cpu_seconds();
    for (size_t r = 0; r < 4; ++r)
      for (size_t i = 0; i < probes; ++i) x += value_fingerprint(st, miss_hashes[i]);
    fmt::print("  fingerprint only {:6.2f} M/s {}\n", 4.0 * probes / seconds_since(t2) / 1e6,
               x & 1);
  }
  batched("sha256 hit, batched verdicts", hit_hashes, st);
  report("ipv4 miss (text)", 4,
         [&](size_t i) { return view.lookup(miss_ips[i], std::nullopt, kNow); });
  report("ipv4 miss (parsed)", 4,
         [&](size_t i) { return view.lookup_ip(miss_ip_parsed[i], kNow); });
  {
    size_t h = 0;
    const double r = batch_ip_rate(view, miss_ip_parsed, 4, h);
    fmt::print("  {:<34} {:6.2f} M/s ({} matched)\n", "ipv4 miss (parsed), batched", r / 1e6, h);
  }
  std::vector<std::string> miss_domains;
  for (const auto& ip : miss_ips) miss_domains.push_back("www." + ip + ".example");
  report("domain miss (exact + parent walk)", 2,
         [&](size_t i) { return view.lookup(miss_domains[i], IndicatorType::kDomain, kNow); });
  batched("domain miss, batched verdicts", miss_domains, IndicatorType::kDomain);
  fmt::print("  (hits: {})\n", hits);
}

// Prefix lengths as large blocklists mix them: mostly hosts and /24s, a few
// wider ranges (FireHOL level 1 holds ~4,500 ranges, Spamhaus DROP ~1,500).
int blocklist_length(std::mt19937_64& rng) {
  const auto r = rng() % 100;
  if (r < 60) return 32;
  if (r < 95) return 24;
  return 16 + static_cast<int>(rng() % 8);  // /16../23
}

// Prefixes live in 0.0.0.0/1: probes at random addresses there mostly miss
// (a few percent fall in a listed range), probes in 128.0.0.0/1 always miss
// (and all land in one interval: the cheapest case), probes at a listed
// prefix's address always hit.
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
  fmt::print("cidr: {} prefixes (60% /32, 35% /24, 5% /16../23) indexed in {:.2f} s\n", n,
             seconds_since(t0));
  const auto view = store.view();
  const size_t probes = 1 << 20;
  std::vector<IpPrefix> misses, anywhere, hits_at;
  for (size_t i = 0; i < probes; ++i) {
    misses.push_back(IpPrefix{false, static_cast<uint32_t>(rng()) | 0x80000000u, 32});
    anywhere.push_back(IpPrefix{false, static_cast<uint32_t>(rng()) & 0x7fffffffu, 32});
    hits_at.push_back(IpPrefix{false, listed[rng() % n], 32});
  }
  size_t hits = 0;
  const double miss = rate(
      probes, 4, [&](size_t i) { return view.lookup_ip(misses[i], kNow); }, hits);
  fmt::print("  miss, unlisted half      {:6.2f} M/s (hits {})\n", miss / 1e6, hits);
  hits = 0;
  const double mixed = rate(
      probes, 4, [&](size_t i) { return view.lookup_ip(anywhere[i], kNow); }, hits);
  fmt::print("  random in the listed half  {:6.2f} M/s (hits {} of {})\n", mixed / 1e6, hits,
             4 * probes);
  // The same addresses without those a range covers: misses where prefixes are.
  std::vector<IpPrefix> uncovered;
  for (const auto& a : anywhere) {
    if (!view.lookup_ip(a, kNow)) uncovered.push_back(a);
  }
  hits = 0;
  const double uncovered_rate = rate(
      uncovered.size(), 4, [&](size_t i) { return view.lookup_ip(uncovered[i], kNow); }, hits);
  fmt::print("  miss in the listed half    {:6.2f} M/s ({} addresses, hits {})\n",
             uncovered_rate / 1e6, uncovered.size(), hits);
  hits = 0;
  const double hit = rate(
      probes, 1, [&](size_t i) { return view.lookup_ip(hits_at[i], kNow); }, hits);
  fmt::print("  hit  {:6.2f} M/s (hits {}, builds the aggregated result)\n", hit / 1e6, hits);
  hits = 0;
  const double hit_verdict = rate(
      probes, 2, [&](size_t i) { return view.check_ip(hits_at[i], kNow); }, hits);
  fmt::print("  hit, verdict only            {:6.2f} M/s (hits {})\n", hit_verdict / 1e6, hits);
  const auto batched = [&](std::string_view what, const std::vector<IpPrefix>& probes_of) {
    size_t h = 0;
    const double r = batch_ip_rate(view, probes_of, 4, h);
    fmt::print("  {:<28} {:6.2f} M/s (hits {} of {})\n", what, r / 1e6, h, 4 * probes_of.size());
  };
  batched("batched: random, listed half", anywhere);
  batched("batched: miss in listed half", uncovered);
  batched("batched: hit", hits_at);
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

// --mixed: deterministic values (value i of a kind is a function of i), so the
// probes can name listed values without keeping copies that would count in
// the RSS being measured.
uint64_t mix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

std::string hex_of(uint64_t seed, int chars) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(static_cast<size_t>(chars), '0');
  uint64_t x = mix64(seed);
  for (int i = 0; i < chars; ++i) {
    if (i % 16 == 0) x = mix64(x + static_cast<uint64_t>(i));
    s[static_cast<size_t>(i)] = kHex[(x >> (4 * (i % 16))) & 15];
  }
  return s;
}

enum class Kind { kIp, kCidr, kDomain, kEmail, kUrl, kMd5, kSha1, kSha256 };
struct MixedFeed {
  Kind kind;
  const char* name;
  int percent;
  IndicatorType type;
};
// A blocklist mix: IPs and hashes dominate, as in the abuse.ch and DROP feeds.
constexpr MixedFeed kMixedFeeds[] = {
    {Kind::kIp, "ip-blocklist", 30, IndicatorType::kIpv4},
    {Kind::kCidr, "drop-ranges", 5, IndicatorType::kCidr},
    {Kind::kDomain, "bad-domains", 18, IndicatorType::kDomain},
    {Kind::kEmail, "phish-senders", 2, IndicatorType::kEmail},
    {Kind::kUrl, "urlhaus", 15, IndicatorType::kUrl},
    {Kind::kMd5, "bazaar-md5", 10, IndicatorType::kMd5},
    {Kind::kSha1, "bazaar-sha1", 5, IndicatorType::kSha1},
    {Kind::kSha256, "bazaar-sha256", 15, IndicatorType::kSha256},
};

// Value i of a kind; `salt` 0 are the listed ones, others never listed.
std::string mixed_value(Kind kind, uint64_t i, uint64_t salt = 0) {
  const uint64_t h = mix64(i * 16 + static_cast<uint64_t>(kind) + salt * 0x1000000000ull);
  switch (kind) {
    case Kind::kIp:
      return ipv4_text(static_cast<uint32_t>(h));
    case Kind::kCidr: {
      // /20../29 inside 240.0.0.0/4 (reserved): enough ranges to cover ~8 % of
      // the whole space would turn the pipeline measurement into one of alert
      // building, since every twelfth corpus address would match.
      const int len = 20 + static_cast<int>(h % 10);
      const uint32_t bits = 0xF0000000u | (static_cast<uint32_t>(h >> 32) & 0x0FFFFFFFu);
      const IpPrefix p{false, bits & prefix_mask(false, len), len};
      return p.to_string();
    }
    case Kind::kDomain:
      return fmt::format("h{}-{}.bad{}.example", h % 100000, i, salt);
    case Kind::kEmail:
      return fmt::format("user{}@mail{}-{}.example", h % 1000, i, salt);
    case Kind::kUrl:
      return fmt::format("http://site{}-{}.example/wp/{}.php?id={}", salt, i, h % 10000, h % 977);
    case Kind::kMd5:
      return hex_of(h, 32);
    case Kind::kSha1:
      return hex_of(h, 40);
    case Kind::kSha256:
      return hex_of(h, 64);
  }
  return {};
}

// Rewrites up to kProbeDigits digits (and, for hashes, hex letters) of a
// listed-shaped value from a counter: a fresh value almost surely not listed,
// whose fingerprint is as random as any (XXH3 mixes every byte), written in a
// few dozen instructions. Rewriting every digit (session 8) cost ~600
// instructions per SHA-256 probe, more than the lookup being measured.
class ProbeWriter {
 public:
  ProbeWriter(std::string shape, bool hex) : text_(std::move(shape)), hex_(hex) {
    for (size_t i = 0; i < text_.size() && used_ < kProbeDigits; ++i) {
      const char c = text_[i];
      if ((c >= '0' && c <= '9') || (hex && c >= 'a' && c <= 'f')) at_[used_++] = i;
    }
  }
  const std::string& write(uint64_t x) {
    static constexpr char kHex[] = "0123456789abcdef";
    static constexpr char kDec[] = "0123456789012345";
    const char* digits = hex_ ? kHex : kDec;
    uint64_t r = mix64(x);
    for (size_t k = 0; k < used_; ++k, r >>= 4) text_[at_[k]] = digits[r & 15];
    return text_;
  }

 private:
  static constexpr size_t kProbeDigits = 12;
  std::string text_;
  bool hex_;
  std::array<size_t, kProbeDigits> at_{};
  size_t used_ = 0;
};

// A dotted quad from a table of the 256 octets' text: fmt::format_int and
// appends cost ~40 ns, which capped the IPv4 row near 20 M/s by themselves.
void write_ipv4(std::string& text, uint32_t a) {
  static const auto kOctets = [] {
    std::array<std::array<char, 4>, 256> t{};  // text, then its length in [3]
    for (int i = 0; i < 256; ++i) {
      const auto f = fmt::format_int(i);
      std::memcpy(t[i].data(), f.data(), f.size());
      t[i][3] = static_cast<char>(f.size());
    }
    return t;
  }();
  char buf[16];
  size_t n = 0;
  for (int shift = 24; shift >= 0; shift -= 8) {
    const auto& o = kOctets[(a >> shift) & 255];
    std::memcpy(buf + n, o.data(), 4);
    n += static_cast<size_t>(o[3]);
    buf[n++] = '.';
  }
  text.assign(buf, n - 1);
}

// The probe kinds of --mixed-hot: the mixed set's exact types and IPv4, plus
// SHA-512 and IPv6 probes, which the mixed set lists none of (a miss costs
// the same probe of the same tables whatever is listed).
struct HotProbe {
  const char* name;
  IndicatorType type;
  std::string shape;  // a value of the type, rewritten per probe
};

// Batched misses as event matching meets them: each probe's text is written
// just before its batch is normalized and checked (an event's fields are in
// cache right after parsing), and is a fresh value each time, so the table
// stays cold. The writing is counted in the time (`writing` says what it
// costs alone). IPs are parsed, as the matcher parses an IP field once.
double hot_text_rate(const IndicatorStore::View& view, const HotProbe& probe, size_t probes,
                     uint64_t seed, size_t& hits, double& writing) {
  const bool ip = probe.type == IndicatorType::kIpv4 || probe.type == IndicatorType::kIpv6;
  const bool hex = is_hash(probe.type) || probe.type == IndicatorType::kIpv6;
  std::vector<ProbeWriter> writers(kBatch, ProbeWriter(probe.shape, hex));
  std::vector<std::string> text(kBatch);
  std::vector<LookupKey> keys(kBatch);
  std::vector<IpPrefix> ips(kBatch);
  std::vector<Verdict> out(kBatch);
  std::vector<uint64_t> fingerprints(kBatch);
  const auto write = [&](size_t i, uint64_t x) -> std::string_view {
    if (probe.type == IndicatorType::kIpv4) {
      // Below 128.0.0.0, so misses: the mixed set's ranges lie in 240.0.0.0/4
      // (a twentieth of random addresses matched, and counted as misses).
      write_ipv4(text[i], static_cast<uint32_t>(mix64(x)) & 0x7fffffffu);
      return text[i];
    }
    return writers[i].write(x);
  };
  double t0 = cpu_seconds();
  size_t written = 0;
  for (size_t base = 0; base < probes; base += kBatch) {
    for (size_t i = 0; i < kBatch; ++i) written += write(i, seed + base + i).size();
  }
  writing = static_cast<double>(probes) / seconds_since(t0);
  t0 = cpu_seconds();
  for (size_t base = 0; base < probes; base += kBatch) {
    size_t k = 0;
    for (size_t i = 0; i < kBatch; ++i) {
      const std::string_view t = write(i, seed + base + i);
      if (ip) {
        if (auto a = IpPrefix::parse(t)) ips[k++] = *a;
      } else if (normalize_key(t, probe.type, keys[k])) {
        fingerprints[k] = view.request(keys[k]);
        ++k;
      }
    }
    if (ip) {
      view.check_ip(std::span<const IpPrefix>(ips.data(), k), kNow, out);
    } else {
      view.check(std::span<const LookupKey>(keys.data(), k),
                 std::span<const uint64_t>(fingerprints.data(), k), kNow, out);
    }
    for (size_t i = 0; i < k; ++i) hits += out[i] ? 1 : 0;
  }
  const double r = static_cast<double>(probes) / seconds_since(t0);
  if (written == 0) writing = 0;  // keeps the writing loop from being optimized out
  return r;
}

// The probes of --mixed-hot and of the mixed section's hot rows.
std::vector<HotProbe> hot_probes() {
  std::vector<HotProbe> p;
  for (const MixedFeed& f : kMixedFeeds) {
    if (f.kind != Kind::kCidr) p.push_back({f.name, f.type, mixed_value(f.kind, 0, 1)});
  }
  p.push_back({"(sha512)", IndicatorType::kSha512, hex_of(1, 128)});
  p.push_back({"(ipv6)", IndicatorType::kIpv6, "2a01:04f8:0c17:1234:5678:9abc:def0:1234"});
  return p;
}

// --mixed-matcher: IntelMatcher::match, the pipeline's path, on events of
// eight values (two IPs, a domain, a URL — and its host —, MD5, SHA-1,
// SHA-256, an e-mail): each event's strings are rewritten in place just
// before it is matched (a parsed event is in cache), fresh values that
// miss. Rate: values looked up per second (nine per event).
void bench_matcher(const std::shared_ptr<const IndicatorStore>& store, size_t events) {
  struct Field {
    const char* path;
    std::string shape;
    bool hex;
  };
  const std::vector<Field> layout = {
      {"source.ip", "", false},
      {"destination.ip", "", false},
      {"dns.question.name", mixed_value(Kind::kDomain, 0, 1), false},
      {"url.full", mixed_value(Kind::kUrl, 0, 1), false},
      {"file.hash.md5", mixed_value(Kind::kMd5, 0, 1), true},
      {"file.hash.sha1", mixed_value(Kind::kSha1, 0, 1), true},
      {"file.hash.sha256", mixed_value(Kind::kSha256, 0, 1), true},
      {"email.from", mixed_value(Kind::kEmail, 0, 1), false},
  };
  MatchFields fields;
  for (const Field& f : layout) {
    const std::string_view p(f.path);
    auto& list = p.ends_with(".ip")      ? fields.ip
                 : p.starts_with("dns")  ? fields.domain
                 : p.starts_with("url")  ? fields.url
                 : p.starts_with("file") ? fields.hash
                                         : fields.email;
    list.emplace_back(p);
  }
  const IntelMatcher matcher(store, fields);
  // A ring of events, each with its own writers.
  struct Doc {
    Value doc{Object{}};
    std::vector<std::string*> text;
    std::vector<ProbeWriter> writers;
  };
  std::vector<Doc> ring(kBatch);
  for (Doc& d : ring) {
    for (const Field& f : layout) FieldPath(f.path).set(d.doc, Value(f.shape));
    for (const Field& f : layout) {
      d.text.push_back(&const_cast<Value*>(FieldPath(f.path).find(d.doc))->as_string());
      d.writers.emplace_back(f.shape, f.hex);
    }
  }
  size_t matched = 0;
  const double t0 = cpu_seconds();
  for (size_t e = 0; e < events; ++e) {
    Doc& d = ring[e % kBatch];
    for (size_t k = 0; k < layout.size(); ++k) {
      // Seeds above every listed value's (value i of a kind is a function of i * 16 + kind).
      const uint64_t x = (uint64_t{1} << 60) + e * 16 + k;
      if (layout[k].shape.empty()) {
        // Below 224/4: the mixed set's ranges lie in 240.0.0.0/4.
        write_ipv4(*d.text[k], static_cast<uint32_t>(mix64(x)) & 0x7fffffffu);
      } else {
        *d.text[k] = d.writers[k].write(x);
      }
    }
    const auto m = matcher.match(d.doc, kNow);
    matched += m.size();
  }
  const double s = seconds_since(t0);
  const size_t values = events * (layout.size() + 1);  // + the URL's host
  fmt::print(
      "  IntelMatcher::match, {} events of {} values: {:.2f} M values/s ({:.2f} M events/s, {} "
      "matched)\n",
      events, layout.size() + 1, static_cast<double>(values) / s / 1e6,
      static_cast<double>(events) / s / 1e6, matched);
}

// What --mixed-hot runs: every probe kind once, or (--only KIND) one of them
// `rounds` times, for A/B runs and callgrind of one row.
struct HotOptions {
  std::string only;  // a probe's name or type ("ipv4", "bad-domains"); empty: all
  int rounds = 1;
  bool wants(const HotProbe& p) const {
    return only.empty() || only == p.name || only == to_string(p.type);
  }
};

void bench_mixed(size_t n, bool hot_only, bool matcher_only, const HotOptions& hot_options) {
  const long rss0 = rss_kb();
  const double t0 = cpu_seconds();
  std::vector<std::shared_ptr<const PackedFeed>> feeds;
  std::vector<size_t> counts;
  for (const MixedFeed& f : kMixedFeeds) {
    const size_t count = n * static_cast<size_t>(f.percent) / 100;
    counts.push_back(count);
    PackedFeed::Builder b(f.name);
    b.reserve(count, 0);
    Indicator ind;
    ind.type = f.type;
    ind.first_seen = Timestamp{kNow.micros - 86'400'000'000};
    ind.last_seen = kNow;
    ind.valid_until = Timestamp{kNow.micros + 30 * 86'400'000'000};
    for (size_t i = 0; i < count; ++i) {
      ind.value = mixed_value(f.kind, i);
      ind.include_subdomains = f.kind == Kind::kDomain && i % 10 == 0;
      ind.severity = static_cast<Severity>(2 + i % 3);
      ind.confidence = static_cast<int>(50 + i % 50);
      ind.tags = {f.name, i % 2 ? "botnet" : "malware"};
      // URLhaus gives every URL its own page; the other feeds one reference each.
      ind.reference = f.kind == Kind::kUrl ? fmt::format("https://urlhaus.abuse.ch/url/{}/", i)
                                           : fmt::format("https://feeds.example/{}", f.name);
      b.add(ind);
    }
    feeds.push_back(b.finish());
  }
  const auto shared = std::make_shared<IndicatorStore>(Allowlist{});
  IndicatorStore& store = *shared;
  store.replace_packed(std::move(feeds));
  const double build_s = seconds_since(t0);
  const long rss = rss_kb();
  fmt::print(
      "mixed: {} indicators ({} feeds) packed and indexed in {:.1f} s CPU; RSS {} MB "
      "(+{} MB, {:.0f} B/indicator), peak {} MB, {} MB on huge pages\n",
      store.size(), std::size(kMixedFeeds), build_s, rss / 1024, (rss - rss0) / 1024,
      static_cast<double>(rss - rss0) * 1024 / static_cast<double>(store.size()), hwm_kb() / 1024,
      huge_kb() / 1024);
  if (matcher_only) {
    for (int round = 0; round < 3; ++round) bench_matcher(shared, 1 << 19);
    return;
  }
  const auto view = store.view();
  const size_t probes = 1 << 20;
  std::mt19937_64 rng(7);
  size_t all_hits = 0;
  for (size_t k = 0; k < std::size(kMixedFeeds); ++k) {
    const MixedFeed& f = kMixedFeeds[k];
    if (hot_only) break;
    std::vector<std::string> miss, hit;
    for (size_t i = 0; i < probes; ++i) {
      miss.push_back(mixed_value(f.kind, rng() % counts[k], 1 + rng() % 1000));
      hit.push_back(mixed_value(f.kind, rng() % counts[k]));
    }
    const std::optional<IndicatorType> type = f.kind == Kind::kIp || f.kind == Kind::kCidr
                                                  ? std::nullopt
                                                  : std::optional<IndicatorType>(f.type);
    size_t hits = 0;
    const double miss_rate = rate(
        probes, 2, [&](size_t i) { return view.lookup(miss[i], type, kNow); }, hits);
    const size_t false_hits = hits;
    hits = 0;
    const double hit_rate = rate(
        probes, 1, [&](size_t i) { return view.lookup(hit[i], type, kNow); }, hits);
    all_hits += hits;
    fmt::print("  {:<14} miss {:6.2f} M/s ({} matched)   hit {:6.2f} M/s ({} of {} matched)\n",
               f.name, miss_rate / 1e6, false_hits, hit_rate / 1e6, hits, probes);
    // Batched verdicts: IPs parsed first (event matching parses an IP field once).
    size_t bm = 0, bh = 0;
    double bmiss = 0, bhit = 0;
    if (type) {
      bmiss = batch_rate(view, miss, *type, 2, bm);
      bhit = batch_rate(view, hit, *type, 2, bh);
    } else {
      std::vector<IpPrefix> pm, ph;
      for (const auto& v : miss) pm.push_back(*IpPrefix::parse(v));
      for (const auto& v : hit) ph.push_back(*IpPrefix::parse(v));
      bmiss = batch_ip_rate(view, pm, 2, bm);
      bhit = batch_ip_rate(view, ph, 2, bh);
    }
    fmt::print("  {:<14} batched verdicts: miss {:6.2f} M/s ({} matched)   hit {:6.2f} M/s ({})\n",
               "", bmiss / 1e6, bm, bhit / 1e6, bh);
  }
  // --mixed-hot: only these (for A/B runs and callgrind).
  for (const HotProbe& p : hot_probes()) {
    if (!hot_options.wants(p)) continue;
    for (int round = 0; round < hot_options.rounds; ++round) {
      size_t hh = 0;
      double writing = 0;
      const double hot = hot_text_rate(view, p, (hot_only ? 1 : 4) * probes, rng(), hh, writing);
      fmt::print(
          "  {:<14} batched, probe text hot: miss {:6.2f} M/s ({} matched; writing the text "
          "alone {:.0f} M/s)\n",
          p.name, hot / 1e6, hh, writing / 1e6);
    }
  }
  if (hot_only) return;
  std::vector<IpPrefix> addresses;
  for (size_t i = 0; i < probes; ++i) {
    addresses.push_back(IpPrefix{false, static_cast<uint32_t>(rng()), 32});
  }
  size_t hits = 0;
  const double ip_rate = rate(
      probes, 4, [&](size_t i) { return view.lookup_ip(addresses[i], kNow); }, hits);
  fmt::print("  random IPv4 (parsed), all prefixes {:6.2f} M/s ({} of {} matched)\n", ip_rate / 1e6,
             hits, 4 * probes);
  hits = 0;
  const double ip_batch = batch_ip_rate(view, addresses, 4, hits);
  fmt::print("  random IPv4, batched verdicts      {:6.2f} M/s ({} of {} matched)\n",
             ip_batch / 1e6, hits, 4 * probes);
  (void)all_hits;
}

// --write-feeds DIR N: the --mixed set as one text feed per kind (DIR/<feed>.txt),
// for `vigil intel import --format text` and the pipeline-slowdown measurement.
void write_feeds(const std::filesystem::path& dir, size_t n) {
  std::filesystem::create_directories(dir);
  for (const MixedFeed& f : kMixedFeeds) {
    const size_t count = n * static_cast<size_t>(f.percent) / 100;
    std::ofstream out(dir / (std::string(f.name) + ".txt"));
    for (size_t i = 0; i < count; ++i) {
      // Every tenth domain listed as "any subdomain of".
      out << (f.kind == Kind::kDomain && i % 10 == 0 ? "*." : "") << mixed_value(f.kind, i) << '\n';
    }
    fmt::print("{}: {} {} lines\n", (dir / f.name).string(), count, to_string(f.type));
  }
}

}  // namespace

int main(int argc, char** argv) {
  vigil::tune_allocator();  // as vigil runs
  if (argc > 1 &&
      (std::string_view(argv[1]) == "--mixed" || std::string_view(argv[1]) == "--mixed-hot" ||
       std::string_view(argv[1]) == "--mixed-matcher")) {
    // --mixed-hot N [--only KIND] [--rounds R]
    HotOptions hot;
    for (int i = 3; i < argc; i += 2) {
      const std::string_view flag(argv[i]);
      if (i + 1 == argc) {
        fmt::print(stderr, "{} needs a value\n", flag);
        return 2;
      }
      if (flag == "--only") {
        hot.only = argv[i + 1];
      } else if (flag == "--rounds") {
        hot.rounds = std::stoi(argv[i + 1]);
      } else {
        fmt::print(stderr, "unknown option {}\n", flag);
        return 2;
      }
    }
    bench_mixed(argc > 2 ? std::stoul(argv[2]) : 10'000'000,
                std::string_view(argv[1]) == "--mixed-hot",
                std::string_view(argv[1]) == "--mixed-matcher", hot);
    return 0;
  }
  if (argc > 2 && std::string_view(argv[1]) == "--write-feeds") {
    write_feeds(argv[2], argc > 3 ? std::stoul(argv[3]) : 10'000'000);
    return 0;
  }
  // --exact N, --cidr N, --import N: one section (for profiling); --exact-hot N: the
  // batched exact misses with the probe text in cache, five times (A/B runs).
  const std::string_view only = argc > 2 ? std::string_view(argv[1]) : std::string_view();
  const size_t n = std::stoul(argc > 2 ? argv[2] : argc > 1 ? argv[1] : "1000000");
  std::mt19937_64 rng(42);
  if (only.empty() || only == "--exact" || only == "--exact-hot")
    bench_exact(n, rng, only == "--exact-hot");
  if (only.empty() || only == "--cidr") bench_cidr(n, rng);
  if (only.empty() || only == "--import") bench_import(n, rng);
}
