// The least-recently-seen order of entity tables (behavior/recency_log.h)
// against the obvious model: a list with the last sighting moved to the front.
#include "behavior/recency_log.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <list>
#include <vector>

namespace vigil::behavior {
namespace {

struct Record {
  int id = 0;
  uint64_t recency = 0;
};

std::vector<int> newest_first(const RecencyLog<Record>& log) {
  std::vector<int> ids;
  log.for_each_newest_first([&](const Record& r) { ids.push_back(r.id); });
  return ids;
}

TEST(RecencyLog, PopsTheLeastRecentlySeenAndListsNewestFirst) {
  std::array<Record, 4> r{Record{0}, Record{1}, Record{2}, Record{3}};
  RecencyLog<Record> log;
  for (int id : {0, 1, 2, 3, 0, 2, 0}) log.touch(r[static_cast<size_t>(id)]);
  EXPECT_EQ(newest_first(log), (std::vector<int>{0, 2, 3, 1}));
  EXPECT_EQ(log.pop_oldest().id, 1);
  EXPECT_EQ(log.pop_oldest().id, 3);
  EXPECT_EQ(newest_first(log), (std::vector<int>{0, 2}));
}

// A bounded table driven by a fixed pseudo-random stream of sightings: the
// log evicts what a move-to-front list evicts, through many compactions.
TEST(RecencyLog, EvictsWhatAMoveToFrontListEvicts) {
  constexpr size_t kCapacity = 8;
  std::vector<Record> records(64);
  for (size_t i = 0; i < records.size(); ++i) records[i].id = static_cast<int>(i);
  std::vector<bool> held(records.size(), false);
  size_t live = 0;
  RecencyLog<Record> log;
  std::list<int> model;  // most recently seen first
  uint64_t x = 12345;
  for (int step = 0; step < 20000; ++step) {
    x = x * 6364136223846793005u + 1442695040888963407u;
    // Skewed towards low ids so that some records stay while others churn.
    const auto id = static_cast<int>((x >> 33) % ((x >> 60) < 8 ? 12 : 64));
    Record& r = records[static_cast<size_t>(id)];
    if (!held[static_cast<size_t>(id)]) {
      if (live == kCapacity) {
        const int evicted = log.pop_oldest().id;
        ASSERT_EQ(evicted, model.back()) << "step " << step;
        model.pop_back();
        held[static_cast<size_t>(evicted)] = false;
        --live;
      }
      held[static_cast<size_t>(id)] = true;
      ++live;
    } else {
      model.remove(id);
    }
    model.push_front(id);
    log.touch(r);
    log.compact(live);
  }
  EXPECT_EQ(newest_first(log), std::vector<int>(model.begin(), model.end()));
}

}  // namespace
}  // namespace vigil::behavior
