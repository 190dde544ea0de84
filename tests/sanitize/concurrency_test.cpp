// Several threads share one Sanitizer (and two at once, so that each thread's
// Hyperscan scratch serves more than one database).
#include <atomic>
#include <thread>
#include <vector>

#include "core/json_writer.h"
#include "sanitize_test_util.h"

namespace vigil {
namespace {

Value event(int i) {
  const std::string n = std::to_string(i);
  return Object{
      {"message", "user" + n + "@example.org from 10.0." + std::to_string(i % 256) + ".7 ok"},
      {"password", "pw" + n},
      {"n", i},
  };
}

TEST(SanitizeConcurrency, ThreadsAgreeWithSingleThreadedResults) {
  constexpr int kEvents = 400, kThreads = 4, kRounds = 5;
  SanitizeConfig pseudo = testing::keyed_config();
  pseudo.actions["email"] = "pseudonymize";
  const auto a = testing::default_sanitizer();
  const auto b = testing::make_sanitizer(pseudo);
  std::vector<std::string> want_a, want_b;
  for (int i = 0; i < kEvents; ++i) {
    Value x = event(i), y = event(i);
    a->sanitize(x);
    b->sanitize(y);
    want_a.push_back(to_json(x));
    want_b.push_back(to_json(y));
  }
  ASSERT_NE(want_a[1], want_b[1]);  // the two policies really differ

  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRounds; ++r) {
        for (int i = t; i < kEvents; i += 1) {
          const bool use_a = (i + r + t) % 2 == 0;
          Value doc = event(i);
          (use_a ? a : b)->sanitize(doc);
          if (to_json(doc) != (use_a ? want_a : want_b)[i]) ++mismatches;
          const std::string text = (use_a ? a : b)->sanitize_text("ssn 123-45-6789");
          if (text != "ssn [REDACTED_SSN]") ++mismatches;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(SanitizeConcurrency, SanitizerOutlivedByThreadsThatUsedIt) {
  // A sanitizer rebuilt on reload while worker threads keep running: the
  // thread's scratch must be re-sized for the new database, not trusted.
  for (int round = 0; round < 3; ++round) {
    SanitizeConfig c = testing::keyed_config();
    c.sensitive_keys = {"k" + std::to_string(round)};
    const auto s = testing::make_sanitizer(c);
    Value doc = Object{{"k" + std::to_string(round), "v"}, {"m", "a@example.org"}};
    s->sanitize(doc);
    EXPECT_EQ(to_json(doc),
              "{\"k" + std::to_string(round) + "\":\"[REDACTED]\",\"m\":\"[REDACTED_EMAIL]\"}");
  }
}

}  // namespace
}  // namespace vigil
