// Evidence compression: plain while the codec gathers its training set,
// compressed after, and always giving back exactly the JSON it was given.
#include "state/evidence_codec.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

namespace vigil::state {
namespace {

// Documents shaped like a deployment's events: the same keys, values that
// vary (users, addresses, free text), so a dictionary has something to learn.
std::string event_json(std::mt19937_64& rng) {
  static const char* kActions[] = {"login_failed", "login_success", "file_read", "db_query"};
  const auto pick = [&](uint64_t n) { return std::to_string(rng() % n); };
  return R"({"timestamp":"2024-01-01T00:)" + pick(60) + R"(:00Z","event_type":")" +
         kActions[rng() % 4] + R"(","user_id":"u)" + pick(5000) + R"(","source_ip":"10.)" +
         pick(256) + "." + pick(256) + "." + pick(256) + R"(","session_id":"sess-)" +
         pick(1000000) + R"(","resource":"/srv/data/)" + pick(300) +
         R"(.csv","message":"request )" + pick(100000) + R"( handled in )" + pick(900) +
         R"( ms","bytes":)" + pick(1 << 20) + "}";
}

std::vector<std::string> events(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) out.push_back(event_json(rng));
  return out;
}

TEST(EvidenceCodec, PlainWhileTrainingThenCompressedAndExact) {
  EvidenceCodec codec(EvidenceCodecOptions{.training_docs = 500});
  for (const auto& doc : events(499, 1)) {
    const auto e = codec.make(doc);
    EXPECT_EQ(e->json(), doc);
    EXPECT_GE(e->cost(), doc.size());  // held as it came
  }
  EXPECT_FALSE(codec.trained());
  codec.make(events(1, 2).front());  // the 500th document: the codec trains
  ASSERT_TRUE(codec.trained());
  size_t plain = 0;
  size_t held = 0;
  for (const auto& doc : events(1000, 3)) {  // other documents than the training set
    const auto e = codec.make(doc);
    ASSERT_EQ(e->json(), doc);
    plain += Evidence(doc).cost();
    held += e->cost();
  }
  // The budget counts what is held, fixed overheads included: at least 40 %
  // of it is saved even on these short, high-entropy documents (real events
  // save ~75 %, docs/sigma-support.md).
  EXPECT_LT(held * 5, plain * 3) << held << " of " << plain << " bytes";
}

TEST(EvidenceCodec, ADocumentUnlikeTheTrainingSetStillComesBackExactly) {
  EvidenceCodec codec(EvidenceCodecOptions{.training_docs = 200});
  for (const auto& doc : events(200, 4)) codec.make(doc);
  ASSERT_TRUE(codec.trained());
  const std::string odd =
      R"({"Event":{"System":{"EventID":4625},"EventData":{"CommandLine":"C:\\Windows\\cmd.exe /c \u00e9t\u00e9"}}})";
  EXPECT_EQ(codec.make(odd)->json(), odd);
  EXPECT_EQ(codec.make("")->json(), "");
}

// Too little to learn from: zstd refuses to train, and evidence stays plain.
TEST(EvidenceCodec, StaysPlainWhenTrainingFails) {
  EvidenceCodec codec(EvidenceCodecOptions{.training_docs = 3});
  for (int i = 0; i < 10; ++i) {
    const std::string doc = R"({"n":)" + std::to_string(i) + "}";
    EXPECT_EQ(codec.make(doc)->json(), doc);
  }
  EXPECT_FALSE(codec.trained());
}

// Lanes make evidence concurrently, one of them training the dictionary
// meanwhile: every document comes back exactly, whichever form it took.
TEST(EvidenceCodec, LanesMakeEvidenceWhileOneTrains) {
  EvidenceCodec codec(EvidenceCodecOptions{.training_docs = 300});
  std::vector<std::thread> lanes;
  std::vector<int> mismatches(4, 0);
  for (int lane = 0; lane < 4; ++lane) {
    lanes.emplace_back([&, lane] {
      for (const auto& doc : events(400, 10 + static_cast<uint64_t>(lane))) {
        if (codec.make(doc)->json() != doc) ++mismatches[static_cast<size_t>(lane)];
      }
    });
  }
  for (auto& t : lanes) t.join();
  EXPECT_TRUE(codec.trained());
  EXPECT_EQ(mismatches, (std::vector<int>{0, 0, 0, 0}));
}

}  // namespace
}  // namespace vigil::state
