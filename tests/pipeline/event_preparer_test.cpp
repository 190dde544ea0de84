// EventPreparer hands an NDJSON item on in slices of about kSliceBytes (so a
// worker that finishes events itself does so while they are in its cache):
// every event arrives once, in order, and a bad line keeps its line number
// in the whole item whichever slice it fell in.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "normalize/normalizer.h"
#include "pipeline/event_processor.h"
#include "sanitize/sanitizer.h"

namespace vigil {
namespace {

class EventPreparerSlices : public ::testing::Test {
 protected:
  EventPreparerSlices() : catalog_(decoder_catalog(config_)) {
    stages_.normalizer = std::make_shared<Normalizer>(config_.normalize);
    stages_.sanitizer = *Sanitizer::create(config_.sanitize);
  }

  // `lines` events numbered from 0 in field "n", a malformed line in place of
  // every line whose (1-based) number is in `bad`; starting at line `first`.
  static WorkItem item_of(size_t lines, const std::vector<size_t>& bad, size_t first,
                          BodyFormat format) {
    WorkItem item;
    item.format = format;
    item.first_line = first;
    item.received = Timestamp::now();
    size_t n = 0;
    for (size_t line = first; line < first + lines; ++line) {
      if (std::find(bad.begin(), bad.end(), line) != bad.end()) {
        item.body += "{\"n\": oops}\n";
        continue;
      }
      item.body += R"({"timestamp":"2024-05-01T08:00:00Z","user":"u)" + std::to_string(n % 7) +
                   R"(","n":)" + std::to_string(n) + R"(,"message":")" + std::string(180, 'x') +
                   "\"}\n";
      ++n;
    }
    return item;
  }

  Config config_ = default_config();
  DecoderCatalog catalog_;
  Stages stages_;
};

TEST_F(EventPreparerSlices, EveryEventOnceInOrderAndBadLinesKeepTheirNumbers) {
  const size_t first = 1001;  // a chunk that starts mid-file
  const std::vector<size_t> bad = {1001, 1150, 1151, 1499, 1500};
  const WorkItem item = item_of(500, bad, first, BodyFormat::kNdjson);
  ASSERT_GT(item.body.size(), 5 * EventPreparer::kSliceBytes);

  EventPreparer preparer(catalog_, stages_);
  BatchOutcome outcome;
  std::vector<int64_t> seen;
  size_t slices = 0;
  preparer.prepare(item, outcome, [&](std::vector<Event>& slice) {
    ++slices;
    EXPECT_LE(slice.size(), EventPreparer::kSliceBytes / 200 + 1) << "a slice too large";
    for (const Event& e : slice) seen.push_back(e.doc.find("n")->as_int());
  });

  EXPECT_GE(slices, 5u);
  EXPECT_EQ(outcome.read, 500u);
  EXPECT_EQ(outcome.accepted, 495u);
  EXPECT_EQ(outcome.rejected, bad.size());
  ASSERT_EQ(seen.size(), 495u);
  for (size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i], static_cast<int64_t>(i));
  ASSERT_EQ(outcome.errors.size(), bad.size());
  for (size_t i = 0; i < bad.size(); ++i) EXPECT_EQ(outcome.errors[i].line, bad[i]);
}

// An auto-detected body (an array, a pretty-printed object) may span lines:
// it is decoded whole.
TEST_F(EventPreparerSlices, OtherFormatsArriveWhole) {
  const WorkItem item = item_of(300, {}, 1, BodyFormat::kAuto);
  EventPreparer preparer(catalog_, stages_);
  BatchOutcome outcome;
  size_t slices = 0;
  preparer.prepare(item, outcome, [&](std::vector<Event>& slice) {
    ++slices;
    EXPECT_EQ(slice.size(), 300u);
  });
  EXPECT_EQ(slices, 1u);
  EXPECT_EQ(outcome.accepted, 300u);
}

// The vector form gathers every slice.
TEST_F(EventPreparerSlices, TheVectorFormHoldsTheWholeItem) {
  const WorkItem item = item_of(400, {7, 300}, 1, BodyFormat::kNdjson);
  EventPreparer preparer(catalog_, stages_);
  BatchOutcome outcome;
  std::vector<Event> events;
  preparer.prepare(item, outcome, events);
  ASSERT_EQ(events.size(), 398u);
  EXPECT_EQ(events.front().doc.find("n")->as_int(), 0);
  EXPECT_EQ(events.back().doc.find("n")->as_int(), 397);
  ASSERT_EQ(outcome.errors.size(), 2u);
  EXPECT_EQ(outcome.errors[1].line, 300u);
}

}  // namespace
}  // namespace vigil
