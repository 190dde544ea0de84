// The store's lookup structures against simple references: the interval
// prefix table against a brute-force scan of every prefix, the fingerprint
// index against a std::multimap, packed feeds against the indicators packed,
// and the allocation-free lookup keys against normalize_indicator.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>

#include "intel/fingerprint_table.h"
#include "intel/indicator_store.h"
#include "intel/normalize.h"
#include "intel/packed_feed.h"
#include "intel/prefix_table.h"
#include "support/ip_text_samples.h"

namespace vigil::intel {
namespace {

constexpr Timestamp kNow{1'700'000'000'000'000};

IpPrefix random_prefix(std::mt19937_64& rng, bool v6, int min_len, int max_len) {
  IpPrefix p;
  p.v6 = v6;
  p.length = min_len + static_cast<int>(rng() % static_cast<uint64_t>(max_len - min_len + 1));
  p.bits = v6 ? (static_cast<Bits128>(rng()) << 64 | rng()) : Bits128{static_cast<uint32_t>(rng())};
  // Few distinct high bits, so prefixes nest and collide often.
  if (v6) {
    p.bits = (p.bits & ~(static_cast<Bits128>(0xffff) << 112)) | static_cast<Bits128>(0x2001)
                                                                     << 112;
  } else {
    p.bits = (p.bits & 0x00ffffffu) | (static_cast<uint32_t>(rng() % 4) << 24);
  }
  p.bits &= prefix_mask(v6, p.length);
  return p;
}

// Every covering entry by brute force: longest first, entries of one prefix in
// handle order (what the table promises).
std::vector<uint64_t> brute_force(const std::vector<PrefixTable::Entry>& entries,
                                  const IpPrefix& q) {
  std::vector<PrefixTable::Entry> covering;
  for (const auto& e : entries) {
    if (e.first.contains(q)) covering.push_back(e);
  }
  std::sort(covering.begin(), covering.end(), [](const auto& a, const auto& b) {
    if (a.first.length != b.first.length) return a.first.length > b.first.length;
    return a.second < b.second;
  });
  std::vector<uint64_t> out;
  for (const auto& e : covering) out.push_back(e.second);
  return out;
}

std::vector<uint64_t> table_answer(const PrefixTable& t, const IpPrefix& q) {
  std::vector<uint64_t> out;
  t.for_each_covering(q, [&](uint64_t h) { out.push_back(h); });
  return out;
}

void cross_check_prefixes(bool v6, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const int width = v6 ? 128 : 32;
  std::vector<PrefixTable::Entry> entries;
  for (uint64_t h = 0; h < 3000; ++h) {
    entries.emplace_back(random_prefix(rng, v6, v6 ? 16 : 6, width), h);
    if (h % 50 == 0) entries.emplace_back(entries[rng() % entries.size()].first, h + 100000);
  }
  // The edges of the space.
  entries.emplace_back(IpPrefix{v6, 0, 0}, 900001);
  entries.emplace_back(IpPrefix{v6, prefix_mask(v6, width), width}, 900002);
  entries.emplace_back(IpPrefix{v6, 0, width}, 900003);
  const PrefixTable table(entries);
  EXPECT_EQ(table.size(), entries.size());
  size_t with_matches = 0;
  for (int i = 0; i < 20000; ++i) {
    IpPrefix q;
    if (i % 3 == 0) {
      // An address inside a listed prefix, or at its first/last address.
      const IpPrefix& p = entries[rng() % entries.size()].first;
      const Bits128 host = ~prefix_mask(v6, p.length) & prefix_mask(v6, width);
      const Bits128 offset = i % 2 ? host : (static_cast<Bits128>(rng()) << 64 | rng()) & host;
      q = IpPrefix{v6, p.bits | (i % 5 == 0 ? 0 : offset), width};
    } else {
      q = random_prefix(rng, v6, i % 7 == 0 ? 8 : width, width);  // ranges too
    }
    const auto expected = brute_force(entries, q);
    with_matches += expected.size() > 1 ? 1 : 0;  // beyond the /0 every query meets
    ASSERT_EQ(table_answer(table, q), expected) << q.to_string();
  }
  EXPECT_GT(with_matches, 5000u);  // the check exercised real chains, not just the /0
}

TEST(PrefixTable, MatchesBruteForceIpv4) {
  cross_check_prefixes(false, 1);
  cross_check_prefixes(false, 2);
}

TEST(PrefixTable, MatchesBruteForceIpv6) {
  cross_check_prefixes(true, 3);
}

TEST(PrefixTable, EmptyAndOneFamily) {
  const PrefixTable empty;
  EXPECT_TRUE(table_answer(empty, *IpPrefix::parse("1.2.3.4")).empty());
  const PrefixTable v4({{*IpPrefix::parse("10.0.0.0/8"), 7}});
  EXPECT_EQ(table_answer(v4, *IpPrefix::parse("10.1.2.3")), std::vector<uint64_t>{7});
  EXPECT_TRUE(table_answer(v4, *IpPrefix::parse("11.0.0.0")).empty());
  EXPECT_TRUE(table_answer(v4, *IpPrefix::parse("::a00:1")).empty());     // families never mix
  EXPECT_TRUE(table_answer(v4, *IpPrefix::parse("10.0.0.0/7")).empty());  // wider than listed
}

TEST(FingerprintTable, VerifiesValuesSharingAFingerprint) {
  FingerprintTable t(3);
  t.insert(42, 0, 1);
  t.insert(42, 1, 2);  // another value with the same fingerprint
  t.insert(7, 3, 1);
  const auto* a = t.find(42, [](const auto& s) { return s.offset == 0; });
  const auto* b = t.find(42, [](const auto& s) { return s.offset == 1; });
  ASSERT_TRUE(a && b);
  EXPECT_EQ(b->count, 2u);
  EXPECT_EQ(t.find(42, [](const auto&) { return false; }), nullptr);
  EXPECT_EQ(t.find(8, [](const auto&) { return true; }), nullptr);
  EXPECT_EQ(FingerprintTable().find(42, [](const auto&) { return true; }), nullptr);
  EXPECT_NE(value_fingerprint(IndicatorType::kMd5, "x"),
            value_fingerprint(IndicatorType::kSha1, "x"));
}

// The batched miss path against find(): every inserted fingerprint found,
// others not, in batches of every size, with home buckets crowded (a run of
// full buckets) and wrapping from the last bucket to the first.
TEST(FingerprintTable, BatchedContainsAgreesWithFind) {
  std::mt19937_64 rng(5);
  constexpr size_t kEntries = 300;
  FingerprintTable t(kEntries);
  std::set<uint64_t> inserted;
  for (size_t i = 0; i < kEntries; ++i) {
    // A third near 2^64: their home is the last bucket, so they spill over
    // into the first ones.
    const uint64_t fp = i % 3 == 0 ? ~uint64_t{0} - rng() % 1000 : (rng() | 1);
    if (!inserted.insert(fp).second) continue;
    t.insert(fp, static_cast<uint32_t>(i), 1);
  }
  std::vector<uint64_t> probes(inserted.begin(), inserted.end());
  for (size_t i = 0; i < 600; ++i)
    probes.push_back(i % 2 ? ~uint64_t{0} - rng() % 2000 : rng() | 1);
  std::shuffle(probes.begin(), probes.end(), rng);
  size_t found = 0;
  for (size_t batch = 1; batch <= FingerprintTable::kMaxBatch; batch += 7) {
    for (size_t base = 0; base < probes.size(); base += batch) {
      const size_t n = std::min(batch, probes.size() - base);
      bool present[FingerprintTable::kMaxBatch];
      t.contains(std::span<const uint64_t>(probes.data() + base, n), present);
      for (size_t i = 0; i < n; ++i) {
        const uint64_t fp = probes[base + i];
        EXPECT_EQ(present[i], inserted.count(fp) > 0) << fp;
        EXPECT_EQ(present[i], t.find(fp, [](const auto&) { return true; }) != nullptr) << fp;
        found += present[i] ? 1 : 0;
      }
    }
  }
  EXPECT_GE(found, 10 * inserted.size());  // each inserted one, in each of the 10 batch sizes
}

// Host names are turned down before the IPv6 parser; addresses, including
// IPv6 ones that start with a hex letter, still parse.
TEST(IpPrefix, RefusesHostNamesAndKeepsAddressesStartingWithLetters) {
  for (const char* name : {"beef", "cafe.example", "abcd.ef", "a.b.c.d", " 1.2.3.4", ""}) {
    EXPECT_FALSE(IpPrefix::parse(name)) << name;
  }
  ASSERT_TRUE(IpPrefix::parse("abcd::1"));
  EXPECT_TRUE(IpPrefix::parse("abcd::1")->v6);
  EXPECT_EQ(IpPrefix::parse("fe80::/10")->length, 10);
  EXPECT_EQ(IpPrefix::parse("::ffff:1.2.3.4")->to_string(), "1.2.3.4");
  EXPECT_EQ(IpPrefix::parse("1.2.3.0/24")->length, 24);
}

// IpPrefix::parse on IPv6 text against inet_pton (core's parse_ipv6 is held
// to it in detail; this checks the prefix built from it, the mapped form
// becoming IPv4).
TEST(IpPrefix, Ipv6AgreesWithInetPton) {
  std::mt19937_64 rng(17);
  const auto reference = [](const std::string& s) -> std::optional<IpPrefix> {
    unsigned char b[16];
    if (inet_pton(AF_INET6, s.c_str(), b) != 1) return std::nullopt;
    IpPrefix p{true, 0, 128};
    for (unsigned char byte : b) p.bits = p.bits << 8 | byte;
    if ((p.bits >> 32) == 0xffff) p = IpPrefix{false, p.bits & 0xffffffffu, 32};  // mapped IPv4
    return p;
  };
  size_t valid = 0;
  for (int it = 0; it < 200000; ++it) {
    const std::string s = test::random_ipv6_text(rng);
    if (s.find(':') == std::string::npos) continue;
    const auto got = IpPrefix::parse(s);
    const auto want = reference(s);
    ASSERT_EQ(got.has_value(), want.has_value()) << s;
    if (!want) continue;
    ++valid;
    EXPECT_EQ(got->v6, want->v6) << s;
    EXPECT_TRUE(got->bits == want->bits) << s;
    EXPECT_EQ(got->length, want->length) << s;
  }
  EXPECT_GT(valid, 20000u);
}

// Dotted quads (read by parse_dotted_quad, without an IpAddress): against inet_pton on
// random quads (octets up to 999, leading zeros) and random strings of digits
// and dots of every length around the valid ones.
TEST(IpPrefix, DottedQuadsAgreeWithInetPton) {
  std::mt19937_64 rng(19);
  size_t valid = 0;
  for (int it = 0; it < 300000; ++it) {
    std::string s;
    if (it % 2 == 0) {
      for (size_t k = rng() % 18; k > 0; --k) s.push_back("0123456789...x"[rng() % 14]);
    } else {
      for (int k = 0; k < 4; ++k) {
        if (k > 0) s.push_back('.');
        const unsigned octet = rng() % 3 == 0 ? static_cast<unsigned>(rng() % 1000)
                                              : static_cast<unsigned>(rng() % 256);
        s += (rng() % 8 == 0 ? "0" : "") + std::to_string(octet);
      }
      if (rng() % 16 == 0) s.insert(rng() % s.size(), 1, "0.7 "[rng() % 4]);
    }
    unsigned char b[4];
    const bool want = inet_pton(AF_INET, s.c_str(), b) == 1;
    const auto got = IpPrefix::parse(s);
    ASSERT_EQ(got.has_value(), want) << s;
    if (!want) continue;
    ++valid;
    const uint32_t address =
        uint32_t{b[0]} << 24 | uint32_t{b[1]} << 16 | uint32_t{b[2]} << 8 | b[3];
    EXPECT_FALSE(got->v6) << s;
    EXPECT_TRUE(got->bits == address) << s;
    EXPECT_EQ(got->length, 32) << s;
  }
  EXPECT_GT(valid, 20000u);
}

Indicator indicator(std::string value, IndicatorType type) {
  Indicator i;
  i.value = std::move(value);
  i.type = type;
  i.valid_until = Timestamp{kNow.micros + 1'000'000};
  return i;
}

// Random exact values over three sources, overlapping, against a multimap of
// (type, value) → source.
TEST(IndicatorIndex, ExactLookupsMatchAReferenceMap) {
  std::mt19937_64 rng(5);
  const IndicatorType types[] = {IndicatorType::kMd5, IndicatorType::kDomain, IndicatorType::kUrl,
                                 IndicatorType::kEmail};
  std::vector<std::pair<IndicatorType, std::string>> universe;
  for (int i = 0; i < 4000; ++i) {
    const IndicatorType t = types[i % 4];
    std::string v;
    switch (t) {
      case IndicatorType::kMd5:
        v = fmt::format("{:016x}{:016x}", rng(), rng());
        break;
      case IndicatorType::kDomain:
        v = fmt::format("h{}.example", rng() % 3000);
        break;
      case IndicatorType::kUrl:
        v = fmt::format("http://u{}.example/", rng() % 3000);
        break;
      default:
        v = fmt::format("a{}@m.example", rng() % 3000);
    }
    universe.emplace_back(t, v);
  }
  std::multimap<std::pair<IndicatorType, std::string>, std::string> reference;
  IndicatorStore store(Allowlist{});
  for (const char* source : {"a", "b", "c"}) {
    std::vector<Indicator> inds;
    std::set<std::pair<IndicatorType, std::string>> seen;
    for (int i = 0; i < 1500; ++i) {
      const auto& [t, v] = universe[rng() % 2000];  // from the first half only: many never listed
      if (!seen.insert({t, v}).second) continue;
      inds.push_back(indicator(v, t));
      reference.emplace(std::pair{t, v}, source);
    }
    store.replace_source(source, std::move(inds));
  }
  const auto view = store.view();
  size_t matched = 0;
  for (const auto& [t, v] : universe) {
    std::vector<std::string> expected;
    for (auto [it, end] = reference.equal_range({t, v}); it != end; ++it) {
      expected.push_back(it->second);
    }
    std::sort(expected.begin(), expected.end());
    const auto r = view.lookup(v, t, kNow);
    if (expected.empty()) {
      EXPECT_FALSE(r) << v;
      continue;
    }
    ++matched;
    ASSERT_TRUE(r) << v;
    EXPECT_EQ(r->sources, expected) << v;
    ASSERT_EQ(r->matches.size(), expected.size());
    EXPECT_EQ(r->matches[0].value, v);
  }
  EXPECT_GT(matched, 1000u);
}

TEST(PackedFeed, UnpacksWhatWasPackedAndSharesRepeatedText) {
  PackedFeed::Builder b("feodo");
  Indicator a = indicator("45.9.148.108", IndicatorType::kIpv4);
  a.source = "ignored";
  a.severity = Severity::kCritical;
  a.confidence = 75;
  a.first_seen = Timestamp{1};
  a.last_seen = Timestamp{2};
  a.tags = {"c2", "emotet"};
  a.description = "Emotet C2";
  a.reference = "https://feodotracker.abuse.ch/";
  Indicator d = indicator("evil.example", IndicatorType::kDomain);
  d.include_subdomains = true;
  d.tags = {"c2", "emotet"};
  d.reference = a.reference;
  b.add(a);
  b.add(d);
  b.add(indicator("x.example", IndicatorType::kDomain));
  const auto feed = b.finish();
  ASSERT_EQ(feed->size(), 3u);
  EXPECT_EQ(b.size(), 0u);  // finished: empty again
  const Indicator back = (*feed)[0].unpack();
  EXPECT_EQ(back.value, a.value);
  EXPECT_EQ(back.source, "feodo");
  EXPECT_EQ(back.severity, Severity::kCritical);
  EXPECT_EQ(back.confidence, 75);
  EXPECT_EQ(back.first_seen, a.first_seen);
  EXPECT_EQ(back.last_seen, a.last_seen);
  EXPECT_EQ(back.valid_until, a.valid_until);
  EXPECT_EQ(back.tags, a.tags);
  EXPECT_EQ(back.description, a.description);
  EXPECT_EQ(back.reference, a.reference);
  EXPECT_TRUE((*feed)[1].include_subdomains());
  EXPECT_FALSE((*feed)[0].include_subdomains());
  // Interned: the second record's reference is the first's text, not a copy.
  EXPECT_EQ((*feed)[1].reference().data(), (*feed)[0].reference().data());
  EXPECT_TRUE((*feed)[2].unpack().tags.empty());
  EXPECT_EQ((*feed)[2].description(), "");
}

TEST(LookupKey, AgreesWithNormalizeIndicator) {
  const std::pair<std::string, IndicatorType> cases[] = {
      {"  Evil.Example. ", IndicatorType::kDomain},
      {"*.Evil.Example", IndicatorType::kDomain},
      {".evil.example", IndicatorType::kDomain},
      {"1.2.3", IndicatorType::kDomain},
      {"bad_label!.example", IndicatorType::kDomain},
      {std::string(300, 'a') + ".example", IndicatorType::kDomain},
      {"Alice@Mail.Example", IndicatorType::kEmail},
      {"@mail.example", IndicatorType::kEmail},
      {"a b@mail.example", IndicatorType::kEmail},
      {"alice@nodot", IndicatorType::kEmail},
      {std::string(32, 'A'), IndicatorType::kMd5},
      {std::string(32, 'A'), IndicatorType::kSha1},
      {std::string(31, 'a') + "g", IndicatorType::kMd5},
      {std::string(128, 'F'), IndicatorType::kSha512},
      {"HTTP://Evil.Example:80/a%7eb", IndicatorType::kUrl},
      {"not a url", IndicatorType::kUrl},
  };
  for (const auto& [raw, type] : cases) {
    LookupKey key;
    const bool ok = normalize_key(raw, type, key);
    const auto n = normalize_indicator(raw, type);
    ASSERT_EQ(ok, n.has_value()) << raw;
    if (!ok) continue;
    EXPECT_EQ(key.value(), n->value) << raw;
    EXPECT_EQ(key.type(), n->type) << raw;
    EXPECT_EQ(key.include_subdomains(), n->include_subdomains) << raw;
  }
}

// Hashes are checked and lower-cased sixteen bytes at a time with an
// overlapping tail (SHA-1 is 40): every byte value at every position of every
// hash length must get normalize_indicator's answer.
TEST(LookupKey, HashesAgreeWithNormalizeIndicatorForEveryByteAtEveryPosition) {
  const std::pair<size_t, IndicatorType> lengths[] = {{32, IndicatorType::kMd5},
                                                      {40, IndicatorType::kSha1},
                                                      {64, IndicatorType::kSha256},
                                                      {128, IndicatorType::kSha512}};
  const std::string digits = "0123456789abcdefABCDEF";
  size_t accepted = 0, rejected = 0;
  for (const auto& [length, type] : lengths) {
    std::string base(length, '0');
    for (size_t i = 0; i < length; ++i) base[i] = digits[(i * 7 + length) % digits.size()];
    for (size_t pos = 0; pos < length; ++pos) {
      for (int byte = 0; byte < 256; ++byte) {
        std::string raw = base;
        raw[pos] = static_cast<char>(byte);
        LookupKey key;
        const bool ok = normalize_key(raw, type, key);
        const auto n = normalize_indicator(raw, type);
        ASSERT_EQ(ok, n.has_value()) << length << " byte " << byte << " at " << pos;
        if (!ok) {
          ++rejected;
          continue;
        }
        ++accepted;
        ASSERT_EQ(key.value(), n->value) << length << " byte " << byte << " at " << pos;
      }
    }
  }
  // Per position: 22 hex characters pass, 234 other bytes fail... except the
  // blanks trimmed at either end, which normalize_indicator also trims.
  EXPECT_GE(accepted, (32 + 40 + 64 + 128) * 22u);
  EXPECT_GE(rejected, (32 + 40 + 64 + 128) * 230u);
}

}  // namespace
}  // namespace vigil::intel

namespace vigil::intel {
namespace {

// The verdict a full lookup implies: what View::check must agree with.
Verdict verdict_of(const std::optional<LookupResult>& r) {
  Verdict v;
  if (!r) return v;
  v.indicators = static_cast<uint32_t>(r->matches.size());
  v.severity = r->severity;
  v.confidence = r->confidence;
  v.first_seen = r->first_seen;
  v.last_seen = r->last_seen;
  return v;
}

void expect_same(const Verdict& a, const Verdict& b, std::string_view what) {
  EXPECT_EQ(a.indicators, b.indicators) << what;
  if (!a || !b) return;
  EXPECT_EQ(a.severity, b.severity) << what;
  EXPECT_EQ(a.confidence, b.confidence) << what;
  EXPECT_EQ(a.first_seen, b.first_seen) << what;
  EXPECT_EQ(a.last_seen, b.last_seen) << what;
}

// Batched verdicts (prefetch, then probe, in groups) against one full lookup
// per value: three overlapping sources in both tiers, expired and allowlisted
// entries, "any subdomain" parents, nested ranges; batch sizes that do not
// divide into the group size.
TEST(BatchedLookups, AgreeWithOneLookupAtATime) {
  std::mt19937_64 rng(11);
  Allowlist allow = Allowlist::with_defaults();
  ASSERT_TRUE(allow.add("allowed.example"));
  IndicatorStore store(std::move(allow));
  // Index 0 (listed by the large source) is allowlisted.
  std::vector<std::string> hashes, domains{"allowed.example"};
  std::vector<IpPrefix> prefixes{*IpPrefix::parse("10.1.2.0/24")};
  for (int i = 0; i < 400; ++i) {
    std::string h(64, '0');
    for (char& c : h) c = "0123456789abcdef"[rng() % 16];
    hashes.push_back(h);
    domains.push_back(fmt::format("d{}.zone{}.example", i, i % 7));
    const IpPrefix p = random_prefix(rng, i % 5 == 0, i % 3 == 0 ? 8 : 16, i % 2 ? 32 : 24);
    if (std::find(prefixes.begin(), prefixes.end(), p) == prefixes.end()) prefixes.push_back(p);
  }
  // Source s lists every (2+s)-th shared value, then (the large one) values
  // no probe asks for: each value once per source.
  const auto make_source = [&](int s, size_t n) {
    std::vector<Indicator> out;
    for (size_t i = static_cast<size_t>(s); i < n; i += 2 + static_cast<size_t>(s)) {
      Indicator ind;
      ind.severity = static_cast<Severity>(rng() % kSeverityCount);
      ind.confidence = static_cast<int>(rng() % 101);
      ind.first_seen = Timestamp{kNow.micros - static_cast<int64_t>(rng() % 1000) * 1'000'000};
      ind.last_seen = Timestamp{ind.first_seen.micros + 5};
      // One in five already expired at kNow (not the allowlisted index 0).
      ind.valid_until = Timestamp{kNow.micros + (i > 0 && rng() % 5 == 0 ? -1 : 1'000'000)};
      ind.tags = {fmt::format("s{}", s)};
      ind.value = i < hashes.size() ? hashes[i] : fmt::format("{:064x}", i);
      ind.type = IndicatorType::kSha256;
      out.push_back(ind);
      ind.value = i < domains.size() ? domains[i] : fmt::format("u{}.bulk.example", i);
      ind.type = IndicatorType::kDomain;
      ind.include_subdomains = i % 3 == 0;
      out.push_back(ind);
      ind.include_subdomains = false;
      const IpPrefix p = i < prefixes.size() ? prefixes[i] : IpPrefix{true, Bits128{i} << 64, 128};
      ind.value = p.to_string();
      ind.type =
          p.is_host() ? (p.v6 ? IndicatorType::kIpv6 : IndicatorType::kIpv4) : IndicatorType::kCidr;
      out.push_back(ind);
    }
    return out;
  };
  store.replace_source("big", make_source(0, 140000));  // 70,000 × 3: the large tier
  store.replace_source("small-a", make_source(1, 401));
  store.replace_source("small-b", make_source(2, 401));
  const auto view = store.view();

  std::vector<std::string> probes;
  std::vector<IndicatorType> types;
  for (size_t i = 0; i < 300; ++i) {
    probes.push_back(hashes[rng() % hashes.size()]);
    types.push_back(IndicatorType::kSha256);
    probes.push_back(fmt::format("www.{}", domains[rng() % domains.size()]));
    types.push_back(IndicatorType::kDomain);
    probes.push_back(domains[rng() % domains.size()]);
    types.push_back(IndicatorType::kDomain);
  }
  probes.emplace_back(64, 'f');  // not listed
  types.push_back(IndicatorType::kSha256);
  for (const char* allowed : {"allowed.example", "www.allowed.example"}) {
    probes.emplace_back(allowed);  // listed, but allowlisted (and its subdomains)
    types.push_back(IndicatorType::kDomain);
  }
  std::vector<LookupKey> keys(probes.size());
  for (size_t i = 0; i < probes.size(); ++i)
    ASSERT_TRUE(normalize_key(probes[i], types[i], keys[i]));
  std::vector<Verdict> out(probes.size());
  const uint64_t suppressed_before = store.suppressed_matches();
  view.check(std::span<const LookupKey>(keys.data(), keys.size() - 3), kNow, out);
  view.check(std::span<const LookupKey>(keys.data() + keys.size() - 3, 3), kNow,
             std::span<Verdict>(out).subspan(keys.size() - 3));
  const uint64_t suppressed_batch = store.suppressed_matches() - suppressed_before;
  size_t matched = 0;
  for (size_t i = 0; i < probes.size(); ++i) {
    expect_same(out[i], verdict_of(view.lookup(probes[i], types[i], kNow)), probes[i]);
    expect_same(out[i], view.check(keys[i], kNow), probes[i]);
    matched += out[i] ? 1 : 0;
  }
  EXPECT_GT(matched, probes.size() / 4);  // the probes hit often enough to mean something
  EXPECT_LT(matched, probes.size());
  // Each path counts a suppressed match once per lookup: three lookups per probe.
  EXPECT_GT(suppressed_batch, 0u);
  EXPECT_EQ(store.suppressed_matches() - suppressed_before, 3 * suppressed_batch);

  std::vector<IpPrefix> addresses;
  for (int i = 0; i < 3000; ++i) {
    if (i % 2 == 0) {
      const IpPrefix& p = prefixes[rng() % prefixes.size()];
      IpPrefix a = p;
      a.length = p.max_length();
      a.bits |= (p.v6 ? (static_cast<Bits128>(rng()) << 64 | rng())
                      : Bits128{static_cast<uint32_t>(rng())}) &
                ~prefix_mask(p.v6, p.length) & prefix_mask(p.v6, p.max_length());
      addresses.push_back(a);
    } else {
      addresses.push_back(
          random_prefix(rng, i % 3 == 0, 8, i % 4 == 0 ? 20 : (i % 3 == 0 ? 128 : 32)));
    }
  }
  addresses.push_back(*IpPrefix::parse("10.1.2.3"));
  std::vector<Verdict> ip_out(addresses.size());
  view.check_ip(addresses, kNow, ip_out);
  size_t ip_matched = 0;
  for (size_t i = 0; i < addresses.size(); ++i) {
    expect_same(ip_out[i], verdict_of(view.lookup_ip(addresses[i], kNow)),
                addresses[i].to_string());
    ip_matched += ip_out[i] ? 1 : 0;
  }
  EXPECT_GT(ip_matched, addresses.size() / 4);
  EXPECT_FALSE(ip_out.back());  // 10.1.2.0/24 is listed, but allowlisted
}

// A builder that merges duplicates says what merge-by-hand says: one record
// per (type, value), highest severity and confidence, earliest first_seen,
// latest last_seen and valid_until, union of tags in first-seen order; then
// lifetimes fill the missing expiries and the expired go.
// "Any subdomain of" against the definition: a name matches when it is
// listed itself or one of its parents (down to the last two labels) is listed
// with include_subdomains. Entries of many lengths, so that the walk's filter
// of listed lengths is exercised on both sides; batched and single checks.
TEST(BatchedLookups, SubdomainEntriesMatchTheirDefinition) {
  std::mt19937_64 rng(23);
  const auto label = [&] {
    std::string l(1 + rng() % 9, 'a');
    for (char& c : l) c = static_cast<char>('a' + rng() % 3);  // few letters: names repeat
    return l;
  };
  const auto name = [&](size_t labels) {
    std::string n = label();
    for (size_t i = 1; i < labels; ++i) n += "." + label();
    return n + ".example";
  };
  std::map<std::string, bool> listed;  // name -> include_subdomains
  std::vector<Indicator> indicators;
  for (int i = 0; i < 400; ++i) {
    const std::string n = name(1 + rng() % 3);
    const bool subdomains = rng() % 2 == 0;
    if (!listed.emplace(n, subdomains).second) continue;
    Indicator ind = indicator(n, IndicatorType::kDomain);
    ind.include_subdomains = subdomains;
    indicators.push_back(ind);
  }
  IndicatorStore store(Allowlist{});
  store.replace_source("domains", indicators);
  const auto view = store.view();
  const auto expected = [&](const std::string& n) {
    if (listed.count(n) > 0) return true;
    std::string_view rest = n;
    for (size_t dot = rest.find('.'); dot != std::string_view::npos; dot = rest.find('.')) {
      rest.remove_prefix(dot + 1);
      if (rest.find('.') == std::string_view::npos) break;  // "example" alone is no parent
      const auto it = listed.find(std::string(rest));
      if (it != listed.end() && it->second) return true;
    }
    return false;
  };
  std::vector<std::string> probes;
  for (int i = 0; i < 3000; ++i) probes.push_back(name(1 + rng() % 5));
  std::vector<LookupKey> keys(probes.size());
  for (size_t i = 0; i < probes.size(); ++i)
    ASSERT_TRUE(normalize_key(probes[i], IndicatorType::kDomain, keys[i]));
  std::vector<Verdict> out(probes.size());
  view.check(keys, kNow, out);
  size_t matched = 0, by_parent = 0;
  for (size_t i = 0; i < probes.size(); ++i) {
    const bool want = expected(probes[i]);
    EXPECT_EQ(static_cast<bool>(out[i]), want) << probes[i];
    EXPECT_EQ(static_cast<bool>(view.check(keys[i], kNow)), want) << probes[i];
    matched += want ? 1 : 0;
    by_parent += want && listed.count(probes[i]) == 0 ? 1 : 0;
  }
  EXPECT_GT(by_parent, 100u);  // the probes reach listed parents often enough to mean something
  EXPECT_LT(matched, probes.size());
}

TEST(PackedFeedBuilder, MergesDuplicatesAndExpires) {
  PackedFeed::Builder b("feed", /*merge_duplicates=*/true);
  const auto fields = [&](std::string_view v, IndicatorType t, Severity s, int conf, int64_t first,
                          int64_t valid, std::vector<std::string> tags) {
    PackedFeed::Fields f;
    f.value = v;
    f.type = t;
    f.severity = s;
    f.confidence = conf;
    f.first_seen = Timestamp{first};
    f.last_seen = Timestamp{first + 10};
    f.valid_until = Timestamp{valid};
    f.tags = b.intern_tags(tags);
    return f;
  };
  const int64_t now = kNow.micros;
  EXPECT_TRUE(b.add(
      fields("evil.example", IndicatorType::kDomain, Severity::kLow, 40, 100, 0, {"a", "b"})));
  EXPECT_TRUE(b.add(fields("1.2.3.4", IndicatorType::kIpv4, Severity::kHigh, 90, 50, now - 1, {})));
  // The same text as another type is another indicator.
  EXPECT_TRUE(b.add(fields("evil.example", IndicatorType::kUrl, Severity::kLow, 10, 1, 0, {})));
  EXPECT_FALSE(b.add(fields("evil.example", IndicatorType::kDomain, Severity::kCritical, 20, 70,
                            now + 99, {"c", "a"})));
  EXPECT_EQ(b.size(), 3u);
  Lifetimes lifetimes;
  EXPECT_EQ(b.expire(lifetimes, kNow), 1u);  // 1.2.3.4 expired at now - 1
  auto feed = b.finish();
  ASSERT_EQ(feed->size(), 2u);
  const Indicator d = (*feed)[0].unpack();
  EXPECT_EQ(d.value, "evil.example");
  EXPECT_EQ(d.type, IndicatorType::kDomain);
  EXPECT_EQ(d.severity, Severity::kCritical);
  EXPECT_EQ(d.confidence, 40);
  EXPECT_EQ(d.first_seen.micros, 70);
  EXPECT_EQ(d.last_seen.micros, 110);
  EXPECT_EQ(d.valid_until.micros, now + 99);  // the explicit expiry beats "none given"
  EXPECT_EQ(d.tags, (std::vector<std::string>{"a", "b", "c"}));
  const Indicator u = (*feed)[1].unpack();
  EXPECT_EQ(u.type, IndicatorType::kUrl);
  EXPECT_EQ(u.valid_until, lifetimes.expiry_from(IndicatorType::kUrl, kNow));
}

TEST(LookupKey, IpTextIsTheCanonicalForm) {
  for (const char* text : {"1.2.3.4", "10.0.0.0/8", "2001:db8::1", "2001:db8::/32", "0.0.0.0/0",
                           "::ffff:1.2.3.4", "255.255.255.255", "fe80::/10"}) {
    const IpPrefix p = *IpPrefix::parse(text);
    LookupKey key;
    EXPECT_EQ(key.set_ip(p), p.to_string()) << text;
    const auto n = normalize_indicator(text);
    ASSERT_TRUE(n) << text;
    EXPECT_EQ(key.value(), n->value);
    EXPECT_EQ(key.type(), n->type) << text;
  }
}

}  // namespace
}  // namespace vigil::intel
