// The store's lookup structures against simple references: the interval
// prefix table against a brute-force scan of every prefix, the fingerprint
// index against a std::multimap, packed feeds against the indicators packed,
// and the allocation-free lookup keys against normalize_indicator.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "intel/fingerprint_table.h"
#include "intel/indicator_store.h"
#include "intel/normalize.h"
#include "intel/packed_feed.h"
#include "intel/prefix_table.h"

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

}  // namespace
}  // namespace vigil::intel
