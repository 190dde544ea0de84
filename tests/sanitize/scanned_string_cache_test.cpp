// The scanned-string cache: what it holds and that a warm cache never changes
// what comes out (a string is skipped, or given a known rewrite, only when
// that exact text, as a key or as a value, was scanned by the same sanitizer).
#include "sanitize/scanned_string_cache.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "core/json_writer.h"
#include "sanitize_test_util.h"

namespace vigil {
namespace {

using sanitize_detail::ScannedStringCache;
using testing::keyed_config;
using testing::make_sanitizer;

size_t slot_of(const std::string& value) {
  return ScannedStringCache::ends_of(value, false).slot();
}

// A cache that holds `text` as a value rewritten to `rewrite` (offered twice).
ScannedStringCache holding_rewritten(const std::string& text, const std::string& rewrite) {
  ScannedStringCache cache;
  cache.use_for(1);
  cache.offer(text, false, &rewrite);
  cache.offer(text, false, &rewrite);
  return cache;
}

TEST(ScannedStringCache, HoldsExactlyTheStringsOfferedTwice) {
  ScannedStringCache cache;
  cache.use_for(1);
  const std::string long_a = "sess-0123456789abcdef-aaaa-0123456789abcdef";
  std::string long_b = long_a;
  long_b[20] = 'b';  // same length and ends: only the middle differs
  for (const std::string_view s :
       {std::string_view(""), std::string_view("ab"), std::string_view("host"),
        std::string_view("web-03.example"), std::string_view("exactly16bytes!!"),
        std::string_view(long_a)}) {
    EXPECT_FALSE(cache.contains_clean(s, false)) << s;
    cache.offer(s, false, nullptr);
    EXPECT_FALSE(cache.contains_clean(s, false)) << "kept only when offered again: " << s;
    cache.offer(s, false, nullptr);
    EXPECT_TRUE(cache.contains_clean(s, false)) << s;
    EXPECT_FALSE(cache.contains_clean(s, true)) << "a value is not a key: " << s;
  }
  EXPECT_FALSE(cache.contains_clean(long_b, false));
  EXPECT_FALSE(cache.contains_clean("hosT", false));
  EXPECT_FALSE(cache.contains_clean("exactly16bytes!?", false));

  const std::string too_long(ScannedStringCache::kMaxLength + 1, 'x');
  cache.offer(too_long, false, nullptr);
  cache.offer(too_long, false, nullptr);
  EXPECT_FALSE(cache.contains_clean(too_long, false));

  // A rewritten value: found with its rewrite, not as clean.
  const std::string address = "203.0.113.77", anonymized = "203.0.113.0";
  cache.offer(address, false, &anonymized);
  cache.offer(address, false, &anonymized);
  const std::string* replacement = nullptr;
  EXPECT_EQ(cache.find(address, false, &replacement), ScannedStringCache::Known::kRewritten);
  ASSERT_NE(replacement, nullptr);
  EXPECT_EQ(*replacement, anonymized);
  EXPECT_FALSE(cache.contains_clean(address, false));
  EXPECT_EQ(cache.find(address, true, &replacement), ScannedStringCache::Known::kNo);

  cache.use_for(2);  // another sanitizer: nothing carries over
  EXPECT_FALSE(cache.contains_clean("host", false));
  EXPECT_FALSE(cache.contains_clean(long_a, false));
}

// Short keys are answered from a small table of their own: a key is there
// only as offered (twice, clean), exactly, and not as a value.
// One slot held in turn by a long rewritten string, a short clean one and a
// long clean one: what the slot held before (its rewrite, its text) never
// answers for what holds it now.
TEST(ScannedStringCache, ASlotsEarlierHolderLeavesNothingBehind) {
  const std::string long_rewritten = "198.51.100.200 and then some more text";
  const size_t slot = slot_of(long_rewritten);
  std::string short_clean, long_clean;
  for (int i = 0; short_clean.empty() || long_clean.empty(); ++i) {
    const std::string s = "v" + std::to_string(i);
    if (short_clean.empty() && slot_of(s) == slot) short_clean = s;
    const std::string l = "a long enough clean value number " + std::to_string(i);
    if (long_clean.empty() && slot_of(l) == slot) long_clean = l;
  }
  const std::string rewrite = "[REDACTED]";
  ScannedStringCache cache = holding_rewritten(long_rewritten, rewrite);
  const std::string* replacement = nullptr;
  EXPECT_EQ(cache.find(long_rewritten, false, &replacement), ScannedStringCache::Known::kRewritten);
  cache.offer(short_clean, false, nullptr);
  cache.offer(short_clean, false, nullptr);
  EXPECT_EQ(cache.find(short_clean, false, &replacement), ScannedStringCache::Known::kClean);
  EXPECT_EQ(cache.find(long_rewritten, false, &replacement), ScannedStringCache::Known::kNo);
  cache.offer(long_clean, false, nullptr);
  cache.offer(long_clean, false, nullptr);
  EXPECT_EQ(cache.find(long_clean, false, &replacement), ScannedStringCache::Known::kClean);
  EXPECT_EQ(cache.find(short_clean, false, &replacement), ScannedStringCache::Known::kNo);
  EXPECT_EQ(cache.find(long_rewritten, false, &replacement), ScannedStringCache::Known::kNo);
}

// The slot's holder stays found while other strings of its slot are offered
// once (their tag is kept in the holder's own entry), and a string offered
// once, then pushed out of the slot's tag by another, starts over.
TEST(ScannedStringCache, OneTimeOffersOfASlotKeepItsHolder) {
  const std::string holder = "198.51.100.200 and then some more text";
  std::vector<std::string> others;
  for (int i = 0; others.size() < 3; ++i) {
    std::string s = "user-" + std::to_string(i);
    if (slot_of(s) == slot_of(holder)) others.push_back(std::move(s));
  }
  const std::string rewrite = "[REDACTED]";
  ScannedStringCache cache = holding_rewritten(holder, rewrite);
  const std::string* replacement = nullptr;
  for (const std::string& other : others) {
    cache.offer(other, false, nullptr);
    ASSERT_EQ(cache.find(holder, false, &replacement), ScannedStringCache::Known::kRewritten);
    EXPECT_EQ(*replacement, rewrite);
    EXPECT_EQ(cache.find(other, false, &replacement), ScannedStringCache::Known::kNo);
  }
  cache.offer(others[0], false, nullptr);  // its tag was replaced: a first offer again
  EXPECT_EQ(cache.find(others[0], false, &replacement), ScannedStringCache::Known::kNo);
  cache.offer(others[0], false, nullptr);
  EXPECT_EQ(cache.find(others[0], false, &replacement), ScannedStringCache::Known::kClean);
  EXPECT_EQ(cache.find(holder, false, &replacement), ScannedStringCache::Known::kNo);
}

// A key whose values keep missing the cache stops being looked up after 32
// misses in a row, is tried again after 223 values left out, and a hit puts it
// back; other keys are not affected.
TEST(ScannedStringCache, KeysWhoseValuesNeverRepeatStopBeingLookedUp) {
  ScannedStringCache cache;
  cache.use_for(1);
  const uint64_t message = ScannedStringCache::ends_of("message", true).hash();
  const uint64_t host = ScannedStringCache::ends_of("host", true).hash();
  for (int i = 0; i < 31; ++i) {
    ASSERT_TRUE(cache.values_repeat(message)) << i;
    cache.record_value_lookup(message, false);
  }
  ASSERT_TRUE(cache.values_repeat(message));
  cache.record_value_lookup(message, false);  // the 32nd miss in a row
  int skipped = 0;
  while (!cache.values_repeat(message)) ++skipped;
  EXPECT_EQ(skipped, 223);  // then one lookup decides
  cache.record_value_lookup(message, false);
  EXPECT_FALSE(cache.values_repeat(message));
  EXPECT_TRUE(cache.values_repeat(host));

  // Back to looking up once a probe finds a value.
  while (!cache.values_repeat(message)) {
  }
  cache.record_value_lookup(message, true);
  for (int i = 0; i < 31; ++i) {
    ASSERT_TRUE(cache.values_repeat(message)) << i;
    cache.record_value_lookup(message, i % 2 == 0);
  }
  EXPECT_TRUE(cache.values_repeat(message));
}

TEST(ScannedStringCache, ShortKeysHeldExactlyAndApartFromValues) {
  ScannedStringCache cache;
  cache.use_for(1);
  std::vector<std::string> keys;
  for (int i = 0; i < 300; ++i) keys.push_back("k" + std::to_string(i * 7919));  // > the table
  for (const auto& k : keys) {
    cache.offer(k, true, nullptr);
    cache.offer(k, true, nullptr);
  }
  size_t held = 0;
  for (const auto& k : keys) {
    held += cache.contains_clean(k, true);
    EXPECT_FALSE(cache.contains_clean(k, false)) << k;
    std::string other = k;
    other.back() = other.back() == 'x' ? 'y' : 'x';
    EXPECT_FALSE(cache.contains_clean(other, true)) << other;
  }
  EXPECT_GT(held, 250u);  // the main table holds what the small one lost
  const std::string once = "user_agent";
  cache.offer(once, true, nullptr);
  EXPECT_FALSE(cache.contains_clean(once, true)) << "kept only when offered again";
  const std::string rewritten = "ip", replacement = "[REDACTED]";
  cache.offer(rewritten, true, &replacement);
  cache.offer(rewritten, true, &replacement);
  EXPECT_FALSE(cache.contains_clean(rewritten, true)) << "a key with findings is not clean";
  cache.use_for(2);
  for (const auto& k : keys) EXPECT_FALSE(cache.contains_clean(k, true)) << k;
}

// Documents built from a small pool of keys and values, so that most strings
// repeat; the pool mixes clean text with every kind of finding and with
// sensitive keys.
Value random_document(std::mt19937& rng) {
  static const std::vector<std::string> kKeys = {"user",    "host", "message",     "password", "ip",
                                                 "api_key", "note", "db.password", "email"};
  static const std::vector<std::string> kValues = {
      "alice",
      "web-03",
      "alice@example.com",
      "10.1.2.3",
      "2001:db8::7",
      "card 4111 1111 1111 1111 here",
      "ssn 123-45-6789",
      "password=hunter2 retry",
      "Bearer abc.def.ghi",
      "AKIAIOSFODNN7EXAMPLE",
      "GET /index.html 200",
      "2024-01-01T00:00:00Z",
      "plain text with no secrets at all, longer than sixteen bytes"};
  std::uniform_int_distribution<size_t> key(0, kKeys.size() - 1), value(0, kValues.size() - 1),
      members(1, 6), depth(0, 3);
  Object top;
  const size_t n = members(rng);
  for (size_t i = 0; i < n; ++i) {
    if (depth(rng) == 0) {
      Object inner{{kKeys[key(rng)], Value(kValues[value(rng)])},
                   {kKeys[key(rng)], Value(Array{Value(kValues[value(rng)]), Value(int64_t{7})})}};
      top.emplace_back(kKeys[key(rng)], Value(std::move(inner)));
    } else {
      top.emplace_back(kKeys[key(rng)], Value(kValues[value(rng)]));
    }
  }
  return Value(std::move(top));
}

TEST(ScannedStringCache, AWarmCacheChangesNoDocument) {
  for (const char* email_action : {"redact", "pseudonymize", "drop"}) {
    const auto config = testing::config_with_email_action(email_action);
    const auto warm = make_sanitizer(config);
    // Two more with the same policy, used alternately: each switch of
    // owner empties this thread's cache, so their results are cold ones.
    const auto cold_a = make_sanitizer(config);
    const auto cold_b = make_sanitizer(config);
    ASSERT_TRUE(warm && cold_a && cold_b);
    std::mt19937 rng(7);
    std::vector<Value> docs, warm_docs, cold_docs;
    for (int i = 0; i < 3000; ++i) docs.push_back(random_document(rng));
    // All through the warm one first: a sanitizer used in between would take
    // the thread's cache over.
    for (const Value& doc : docs) warm->sanitize(warm_docs.emplace_back(doc));
    for (size_t i = 0; i < docs.size(); ++i) {
      (i % 2 == 0 ? cold_a : cold_b)->sanitize(cold_docs.emplace_back(docs[i]));
    }
    size_t changed = 0;
    for (size_t i = 0; i < docs.size(); ++i) {
      ASSERT_EQ(to_json(warm_docs[i]), to_json(cold_docs[i]))
          << email_action << " " << to_json(docs[i]);
      if (warm_docs[i] != docs[i]) ++changed;
    }
    EXPECT_GT(changed, 1000u) << "the documents hold findings";
  }
}

TEST(ScannedStringCache, AVerdictUnderOnePolicyDoesNotHoldUnderAnother) {
  auto lax_config = keyed_config();
  lax_config.actions["email"] = "keep";
  const auto lax = make_sanitizer(lax_config);
  const auto strict = make_sanitizer(keyed_config());
  for (int round = 0; round < 3; ++round) {
    Value kept(Object{{"contact", Value("bob@example.com")}});
    lax->sanitize(kept);
    EXPECT_EQ(kept.find("contact")->as_string(), "bob@example.com");
    Value redacted(Object{{"contact", Value("bob@example.com")}});
    strict->sanitize(redacted);
    EXPECT_NE(redacted.find("contact")->as_string(), "bob@example.com");
  }
}

}  // namespace
}  // namespace vigil
