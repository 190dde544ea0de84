// Sigma correlation rules (specification 2.x): parsing and load errors,
// every correlation type over sliding event-time windows, group-by, aliases,
// references by id and name, generate, chains, late events, bounded state
// and concurrent workers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "core/json_writer.h"
#include "correlation_test_util.h"

namespace vigil::sigma::testing {
namespace {

using ::testing::ElementsAre;

const char* kFailed = R"({"action":"fail","user":"alice","ip":"10.0.0.1"})";

std::string fail_json(const std::string& user, const std::string& ip = "10.0.0.1") {
  return R"({"action":"fail","user":")" + user + R"(","ip":")" + ip + R"("})";
}

// --- semantic 10: timespan -------------------------------------------------

TEST(CorrelationTimespan, IntegerAndUnitAccepted) {
  EXPECT_EQ(*parse_timespan_us("30s"), 30'000'000);
  EXPECT_EQ(*parse_timespan_us("5m"), 300'000'000);
  EXPECT_EQ(*parse_timespan_us("1h"), 3'600'000'000);
  EXPECT_EQ(*parse_timespan_us("2d"), 172'800'000'000);
  EXPECT_EQ(*parse_timespan_us("1w"), 604'800'000'000);
}

TEST(CorrelationTimespan, FractionsBareNumbersAndOtherFormsRejected) {
  for (const char* bad : {"1.5h", "30", "5 m", "5M", "-5m", "m", "", "0m", "1h30m", "5min"}) {
    const auto r = parse_timespan_us(bad);
    EXPECT_FALSE(r.has_value()) << bad;
    if (!r) {
      EXPECT_NE(r.error().message.find("timespan '"), std::string::npos) << bad;
    }
  }
  EXPECT_NE(parse_timespan_us("1.5h").error().message.find("whole number"), std::string::npos);
  EXPECT_NE(parse_timespan_us("30").error().message.find("no unit"), std::string::npos);
}

TEST(CorrelationTimespan, RejectedAtLoadTimeWithFileLineAndReason) {
  for (const char* span : {"1.5h", "30"}) {
    Correlator c(std::string(R"(title: Many failures
correlation:
  type: event_count
  rules: [failed_login]
  group-by: [user]
  timespan: )") + span +
                 "\n  condition: {gte: 5}\n");
    ASSERT_EQ(c.loaded.errors.size(), 1u) << span;
    const auto& e = c.loaded.errors.front();
    EXPECT_EQ(e.file, "c.yml");
    EXPECT_EQ(e.line, 23) << c.errors();  // the timespan line of the document
    EXPECT_EQ(e.rule, "Many failures");
    EXPECT_NE(e.reason.find(std::string("timespan '") + span + "'"), std::string::npos) << e.reason;
    EXPECT_TRUE(c.loaded.correlations.empty());
  }
}

// --- loading ------------------------------------------------------------------

TEST(CorrelationLoad, ErrorsNameTheReasonAndTheRestLoads) {
  Correlator c(R"(title: Unknown type
correlation: {type: event_sum, rules: [failed_login], group-by: [user], timespan: 5m, condition: {gte: 1}}
---
title: Unknown reference
correlation: {type: event_count, rules: [no_such_rule], group-by: [user], timespan: 5m, condition: {gte: 1}}
---
title: No field
correlation: {type: value_count, rules: [failed_login], group-by: [ip], timespan: 5m, condition: {gte: 3}}
---
title: Bad operator
correlation: {type: event_count, rules: [failed_login], group-by: [user], timespan: 5m, condition: {more: 3}}
---
title: Cycle A
name: cycle_a
correlation: {type: event_count, rules: [cycle_b], group-by: [user], timespan: 5m, condition: {gte: 1}}
---
title: Cycle B
name: cycle_b
correlation: {type: event_count, rules: [cycle_a], group-by: [user], timespan: 5m, condition: {gte: 1}}
---
title: Good
correlation: {type: event_count, rules: [failed_login], group-by: [user], timespan: 5m, condition: {gte: 1}}
)");
  ASSERT_EQ(c.loaded.correlations.size(), 1u) << c.errors();
  EXPECT_EQ(c.loaded.correlations.front()->meta.title, "Good");
  std::map<std::string, std::string> reasons;
  for (const auto& e : c.loaded.errors) reasons[e.rule] = e.reason;
  EXPECT_NE(reasons["Unknown type"].find("unknown correlation type 'event_sum'"),
            std::string::npos);
  EXPECT_NE(reasons["Unknown reference"].find("'no_such_rule', which names no loaded rule"),
            std::string::npos);
  EXPECT_NE(reasons["No field"].find("needs 'field'"), std::string::npos);
  EXPECT_NE(reasons["Bad operator"].find("unknown condition operator 'more'"), std::string::npos);
  EXPECT_NE(reasons["Cycle A"].find("cycle"), std::string::npos);
  EXPECT_NE(reasons["Cycle B"].find("cycle"), std::string::npos);
  EXPECT_EQ(c.loaded.errors.size(), 6u);
}

TEST(CorrelationLoad, ReferencesByIdOrName) {
  Correlator c(R"(title: By id
name: by_id
correlation: {type: event_count, rules: [0a1b2c3d-0000-4000-8000-000000000001], group-by: [user], timespan: 5m, condition: {gte: 2}}
---
title: By name
name: by_name
correlation: {type: event_count, rules: [failed_login], group-by: [user], timespan: 5m, condition: {gte: 2}}
)");
  ASSERT_TRUE(c.loaded.errors.empty()) << c.errors();
  EXPECT_TRUE(c.fired(0, kFailed).empty());
  EXPECT_THAT(c.fired(1, kFailed), ElementsAre("by_id", "by_name"));
}

TEST(CorrelationLoad, OverrideChangesWindowAndThreshold) {
  LoadOptions o;
  o.correlation_overrides["many"] = CorrelationOverride{"1m", {{"gte", 3}}};
  o.correlation_overrides["nothing_named_so"] = CorrelationOverride{"1m", {}};
  Correlator c(R"(title: Many
name: many
correlation: {type: event_count, rules: [failed_login], group-by: [user], timespan: 5m, condition: {gte: 5}}
)",
               {}, 60, o);
  ASSERT_EQ(c.loaded.errors.size(), 1u);
  EXPECT_EQ(c.loaded.errors.front().rule, "nothing_named_so");
  EXPECT_EQ(c.loaded.correlations.front()->timespan_us, 60'000'000);
  EXPECT_TRUE(c.fired(0, kFailed).empty());
  EXPECT_TRUE(c.fired(100, kFailed).empty());  // 100 s later: outside the new 1m window
  EXPECT_TRUE(c.fired(110, kFailed).empty());
  EXPECT_THAT(c.fired(120, kFailed), ElementsAre("many"));  // 3 within 1m
}

// --- event_count ----------------------------------------------------------------

const char* kFivePerUser = R"(title: Excessive failures
name: excessive
level: high
author: Test Author
tags: [attack.credential_access]
correlation:
  type: event_count
  rules: [failed_login]
  group-by: [user]
  timespan: 5m
  condition: {gte: 5}
)";

TEST(CorrelationEventCount, FiresOnTheFifthWithinASlidingWindowPerGroup) {
  Correlator c(kFivePerUser);
  ASSERT_TRUE(c.loaded.errors.empty()) << c.errors();
  // 3 failures late in one 5-minute bucket, 2 early in the next: a sliding
  // window sees 5 within 5 minutes (a tumbling one would not).
  for (int t : {280, 290, 295}) EXPECT_TRUE(c.fired(t, kFailed).empty());
  EXPECT_TRUE(c.fired(301, fail_json("bob")).empty());  // another user: another group
  EXPECT_TRUE(c.fired(305, kFailed).empty());
  const auto alerts = c.feed(310, kFailed);
  ASSERT_EQ(alerts.size(), 1u);
  const Alert& a = alerts.front();
  EXPECT_EQ(a.rule, "excessive");
  EXPECT_EQ(a.title, "Excessive failures");
  EXPECT_EQ(a.severity, Severity::kHigh);
  EXPECT_EQ(a.author, "Test Author");
  EXPECT_EQ(a.tags, std::vector<std::string>{"attack.credential_access"});
  EXPECT_EQ(a.entity.user, "alice");
  EXPECT_EQ(a.events.size(), 5u);
  EXPECT_EQ(a.time, Timestamp::from_seconds(310));
  EXPECT_EQ(a.context.find("value")->number(), 5);
}

TEST(CorrelationEventCount, EventsSpreadWiderThanTheWindowNeverFire) {
  Correlator c(kFivePerUser);
  // 76 s apart: any 5 minutes hold at most 4 (the fifth would be 304 s later).
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(c.fired(i * 76, kFailed).empty()) << i;
}

TEST(CorrelationEventCount, ReferencedRuleAlertsOnlyWithGenerate) {
  Correlator quiet(kFivePerUser);
  EXPECT_TRUE(quiet.fired(0, kFailed).empty());  // failed_login is referenced: no own alert
  EXPECT_THAT(quiet.fired(0, R"({"action":"ok","user":"alice"})"), ElementsAre("login_ok"));
  Correlator loud(std::string(kFivePerUser) + "generate: true\n");
  EXPECT_THAT(loud.fired(0, kFailed), ElementsAre("failed_login"));
}

TEST(CorrelationEventCount, EventWithoutGroupByFieldIsNotCounted) {
  Correlator c(kFivePerUser);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(c.fired(i, R"({"action":"fail"})").empty());
}

TEST(CorrelationEventCount, RangeConditionAndNeq) {
  Correlator c(R"(title: Two to three
name: two_three
correlation: {type: event_count, rules: [failed_login], group-by: [user], timespan: 5m, condition: {gt: 1, lte: 3}}
---
title: Not two
name: not_two
correlation: {type: event_count, rules: [failed_login], group-by: [user], timespan: 5m, condition: {neq: 2}}
)");
  EXPECT_THAT(c.fired(0, kFailed), ElementsAre("not_two"));
  EXPECT_THAT(c.fired(1, kFailed), ElementsAre("two_three"));
  EXPECT_THAT(c.fired(2, kFailed), ElementsAre("two_three", "not_two"));
  EXPECT_THAT(c.fired(3, kFailed), ElementsAre("not_two"));
}

// --- value_count ----------------------------------------------------------------

TEST(CorrelationValueCount, DistinctValuesPerGroup) {
  Correlator c(R"(title: Spraying
name: spraying
correlation: {type: value_count, rules: [failed_login], group-by: [ip], timespan: 5m, condition: {field: user, gte: 3}}
)");
  EXPECT_TRUE(c.fired(0, fail_json("a")).empty());
  EXPECT_TRUE(c.fired(1, fail_json("a")).empty());  // repeats do not count
  EXPECT_TRUE(c.fired(2, fail_json("b")).empty());
  EXPECT_TRUE(c.fired(3, fail_json("c", "10.9.9.9")).empty());  // another source
  const auto alerts = c.feed(4, fail_json("c"));
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts.front().entity.source_ip, "10.0.0.1");
  EXPECT_EQ(alerts.front().context.find("value")->number(), 3);
  // `a` leaves the window: a, b, c at 0..4; d at 302 sees b? no (2 < 302-300): c, d only.
  EXPECT_TRUE(c.fired(303, fail_json("d")).empty());
}

TEST(CorrelationValueCount, FieldListCountsTuples) {
  Correlator c(R"(title: Hosts
name: hosts
correlation: {type: value_count, rules: [login_ok], group-by: [user], timespan: 10m, condition: {field: [host, destination], gte: 3}}
)");
  EXPECT_TRUE(c.fired(0, R"({"action":"ok","user":"u","host":"h1"})").empty());
  EXPECT_TRUE(c.fired(1, R"({"action":"ok","user":"u","destination":"h2"})").empty());
  EXPECT_TRUE(c.fired(2, R"({"action":"ok","user":"u"})").empty());  // neither: not counted
  EXPECT_THAT(c.fired(3, R"({"action":"ok","user":"u","host":"h3"})"), ElementsAre("hosts"));
}

// --- temporal ---------------------------------------------------------------------

TEST(CorrelationTemporal, AllRulesAnyOrderWithinTheWindow) {
  Correlator c(R"(title: Fail and ok
name: both
correlation: {type: temporal, rules: [failed_login, login_ok], group-by: [user], timespan: 1m}
)");
  EXPECT_TRUE(c.fired(0, R"({"action":"ok","user":"u"})").empty());
  EXPECT_THAT(c.fired(30, R"({"action":"fail","user":"u"})"), ElementsAre("both"));
  EXPECT_TRUE(c.fired(200, R"({"action":"fail","user":"v"})").empty());
  EXPECT_TRUE(c.fired(300, R"({"action":"ok","user":"v"})").empty());  // 100 s apart
}

TEST(CorrelationTemporal, TextConditionOverTheRules) {
  Correlator c(R"(title: Read without fail
name: read_no_fail
correlation: {type: temporal, rules: [read, failed_login], group-by: [user], timespan: 1m, condition: read and not failed_login}
)");
  ASSERT_TRUE(c.loaded.errors.empty()) << c.errors();
  EXPECT_TRUE(c.fired(0, R"({"action":"fail","user":"u"})").empty());
  EXPECT_TRUE(c.fired(1, R"({"action":"read","user":"u"})").empty());
  EXPECT_THAT(c.fired(2, R"({"action":"read","user":"w"})"), ElementsAre("read_no_fail"));
}

TEST(CorrelationTemporalOrdered, OnlyInTheListedOrder) {
  Correlator c(R"(title: Fail then ok
name: fail_then_ok
correlation: {type: temporal_ordered, rules: [failed_login, login_ok], group-by: [user], timespan: 5m}
)");
  EXPECT_TRUE(c.fired(0, R"({"action":"ok","user":"u"})").empty());
  EXPECT_TRUE(c.fired(10, R"({"action":"fail","user":"u"})").empty());  // ok came first
  EXPECT_THAT(c.fired(20, R"({"action":"ok","user":"u"})"), ElementsAre("fail_then_ok"));
  EXPECT_TRUE(c.fired(1000, R"({"action":"fail","user":"x"})").empty());
  EXPECT_TRUE(c.fired(1301, R"({"action":"ok","user":"x"})").empty());  // 301 s later
}

TEST(CorrelationChain, CorrelationOfACorrelationGeneratingOnlyTheNamedRule) {
  Correlator c(std::string(kFivePerUser) + R"(---
title: Brute force then success
name: brute_success
correlation:
  type: temporal_ordered
  rules: [excessive, login_ok]
  group-by: [user]
  timespan: 5m
generate: [excessive]
)");
  ASSERT_TRUE(c.loaded.errors.empty()) << c.errors();
  for (int t = 0; t < 4; ++t) EXPECT_TRUE(c.fired(t, kFailed).empty());
  EXPECT_THAT(c.fired(4, kFailed), ElementsAre("excessive"));          // generated
  EXPECT_TRUE(c.fired(5, R"({"action":"ok","user":"bob"})").empty());  // login_ok is not
  EXPECT_THAT(c.fired(200, R"({"action":"ok","user":"alice"})"), ElementsAre("brute_success"));
}

// --- value aggregations ---------------------------------------------------------------

TEST(CorrelationValueAggregation, SumOfManySmallReads) {
  Correlator c(R"(title: Big sum
name: big_sum
correlation: {type: value_sum, rules: [read], group-by: [user], timespan: 1h, condition: {field: bytes, gt: 1000}}
)");
  for (int i = 0; i < 10; ++i) {  // 10 x 100 = 1000: not more than 1000
    EXPECT_TRUE(c.fired(i * 60, R"({"action":"read","user":"u","bytes":100})").empty()) << i;
  }
  EXPECT_THAT(c.fired(600, R"({"action":"read","user":"u","bytes":"1"})"), ElementsAre("big_sum"));
  // An hour after the first reads they have left the window.
  EXPECT_TRUE(c.fired(3600 + 601, R"({"action":"read","user":"u","bytes":5})").empty());
}

TEST(CorrelationValueAggregation, AvgMinMaxMedianPercentile) {
  Correlator c(R"(title: avg
name: avg
correlation: {type: value_avg, rules: [read], group-by: [user], timespan: 1h, condition: {field: bytes, gte: 20}}
---
title: min
name: min
correlation: {type: value_min, rules: [read], group-by: [user], timespan: 1h, condition: {field: bytes, gte: 10}}
---
title: max
name: max
correlation: {type: value_max, rules: [read], group-by: [user], timespan: 1h, condition: {field: bytes, gt: 40}}
---
title: median
name: median
correlation: {type: value_median, rules: [read], group-by: [user], timespan: 1h, condition: {field: bytes, eq: 20}}
---
title: p90
name: p90
correlation: {type: value_percentile, rules: [read], group-by: [user], timespan: 1h, condition: {field: bytes, percentile: 90, gte: 38}}
)");
  ASSERT_TRUE(c.loaded.errors.empty()) << c.errors();
  // values 10, 20, 50 -> avg 26.67, min 10, max 50, median 20, p90 = 20 + 0.8*30 = 44
  EXPECT_THAT(c.fired(0, R"({"action":"read","user":"u","bytes":10})"), ElementsAre("min"));
  EXPECT_THAT(c.fired(1, R"({"action":"read","user":"u","bytes":20})"), ElementsAre("min"));
  EXPECT_THAT(c.fired(2, R"({"action":"read","user":"u","bytes":50})"),
              ElementsAre("avg", "min", "max", "median", "p90"));
  // Values that are not numbers are not counted.
  EXPECT_TRUE(c.fired(3, R"({"action":"read","user":"v","bytes":"lots"})").empty());
}

// --- aliases -----------------------------------------------------------------------

TEST(CorrelationAliases, GroupAcrossDifferentFieldNames) {
  Correlator c(R"(title: Failed for target then read by actor
name: alias_rule
correlation:
  type: temporal_ordered
  rules: [failed_login, read]
  group-by: [person]
  timespan: 10m
  aliases:
    person:
      failed_login: [target_user, user]
      read: actor
)");
  ASSERT_TRUE(c.loaded.errors.empty()) << c.errors();
  EXPECT_TRUE(c.fired(0, R"({"action":"fail","user":"admin","target_user":"carol"})").empty());
  EXPECT_TRUE(c.fired(1, R"({"action":"read","actor":"admin"})").empty());
  EXPECT_THAT(c.fired(2, R"({"action":"read","actor":"carol"})"), ElementsAre("alias_rule"));
  EXPECT_TRUE(c.fired(3, R"({"action":"fail","user":"dave"})").empty());  // falls back to user
  EXPECT_THAT(c.fired(4, R"({"action":"read","actor":"dave"})"), ElementsAre("alias_rule"));
}

// --- event time: lateness, expiry, bounds, concurrency --------------------------------

TEST(CorrelationEventTime, LateEventsWithinLatenessCountBeyondAreIgnored) {
  Correlator c(kFivePerUser, {}, /*lateness_s=*/60);
  for (int t : {1000, 1010, 1020}) EXPECT_TRUE(c.fired(t, kFailed).empty());
  // 30 s late: inside the allowed lateness, and inside the window: counted.
  EXPECT_TRUE(c.fired(990, kFailed).empty());
  EXPECT_EQ(c.late.value(), 1u);
  // 200 s late: beyond the lateness, ignored (and counted as such).
  EXPECT_TRUE(c.fired(820, kFailed).empty());
  EXPECT_EQ(c.too_late.value(), 1u);
  EXPECT_THAT(c.fired(1030, kFailed), ElementsAre("excessive"));  // 990,1000,1010,1020,1030
}

TEST(CorrelationEventTime, LateEventCompletesAWindowThatEndsLater) {
  Correlator c(R"(title: Fail then ok
name: fail_then_ok
correlation: {type: temporal_ordered, rules: [failed_login, login_ok], group-by: [user], timespan: 5m}
)");
  EXPECT_TRUE(c.fired(100, R"({"action":"ok","user":"u"})").empty());
  // The failure arrives after the success but happened before it.
  EXPECT_THAT(c.fired(90, R"({"action":"fail","user":"u"})"), ElementsAre("fail_then_ok"));
}

TEST(CorrelationState, GroupsExpireWhenTheirWindowPasses) {
  Correlator c(kFivePerUser, {}, 0);
  for (int u = 0; u < 100; ++u) c.feed(u, fail_json("user" + std::to_string(u)));
  EXPECT_EQ(c.store().stats().groups, 100u);
  // Far later events move the watermark; the old groups' windows have passed.
  for (int i = 0; i < 200; ++i) c.feed(100000 + i, fail_json("late" + std::to_string(i % 2)));
  EXPECT_EQ(c.store().stats().expired, 100u);
  EXPECT_EQ(c.expired.value(), 100u);
  EXPECT_EQ(c.store().stats().groups, 2u);
  EXPECT_EQ(c.groups.value(), 2);
}

TEST(CorrelationState, CapEvictsLeastRecentlySeenAndCountsIt) {
  state::StateLimits limits;
  limits.max_groups = 16;  // one group per shard
  limits.max_entries_per_group = 3;
  Correlator c(kFivePerUser, limits);
  for (int u = 0; u < 1000; ++u) c.feed(1, fail_json("user" + std::to_string(u)));
  EXPECT_LE(c.store().stats().groups, 16u);
  EXPECT_EQ(c.store().stats().evicted, 1000u - c.store().stats().groups);
  EXPECT_EQ(c.evicted.value(), c.store().stats().evicted);
  // Per-group cap: 5 failures keep only 3 entries, so >= 5 never holds.
  for (int t = 0; t < 5; ++t) EXPECT_TRUE(c.fired(10 + t, fail_json("capped")).empty());
  EXPECT_EQ(c.entries_dropped.value(), 2u);
}

// --- what windows keep of an event: its correlated fields and its evidence ----------

std::string numbered_fail(int n, const std::string& user = "alice") {
  return R"({"action":"fail","user":")" + user + R"(","n":)" + std::to_string(n) +
         R"(,"detail":{"tags":["x","y"],"ok":false}})";
}

std::vector<int64_t> numbers_of(const std::vector<Value>& events) {
  std::vector<int64_t> out;
  for (const auto& e : events) {
    const Value* n = e.find("n");
    out.push_back(n != nullptr && n->is_number() ? static_cast<int64_t>(n->number()) : -1);
  }
  return out;
}

TEST(CorrelationEvidence, AlertsCarryTheDocumentsAsTheyArrivedNewestTenAtMost) {
  Correlator c(kFivePerUser);
  for (int n = 1; n <= 4; ++n) EXPECT_TRUE(c.fired(n, numbered_fail(n)).empty());
  auto alerts = c.feed(5, numbered_fail(5));
  ASSERT_EQ(alerts.size(), 1u);
  ASSERT_EQ(alerts[0].events.size(), 5u);
  for (int n = 1; n <= 5; ++n) {  // each the whole document that was fed, in event order
    EXPECT_EQ(to_json(alerts[0].events[static_cast<size_t>(n - 1)]),
              to_json(event(numbered_fail(n))));
  }
  for (int n = 6; n <= 11; ++n) alerts = c.feed(n, numbered_fail(n));
  ASSERT_EQ(alerts.size(), 1u);
  // 11 in the window; the newest 10 (events_per_alert) are carried.
  EXPECT_EQ(alerts[0].context.find("events_in_window")->number(), 11);
  EXPECT_EQ(numbers_of(alerts[0].events), (std::vector<int64_t>{2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
}

// Carol's five failures after 1,100 other users' (past the evidence codec's
// training set of 1,000 captured events): what her entries add to the
// evidence held, and the documents her alert carries.
struct CarolsEvidence {
  size_t added = 0;
  std::vector<std::string> fed;
  std::vector<Value> carried;
};
CarolsEvidence carol_after_1100_users(Correlator& c) {
  CarolsEvidence out;
  for (int u = 0; u < 1100; ++u) c.feed(u % 200, fail_json("user" + std::to_string(u)));
  const size_t before = c.detector().engine()->evidence_bytes();
  for (int n = 1; n <= 5; ++n) {
    const std::string doc = numbered_fail(n, "carol");
    out.fed.push_back(to_json(event(doc)));
    for (auto& a : c.feed(200 + n, doc)) out.carried = std::move(a.events);
  }
  out.added = c.detector().engine()->evidence_bytes() - before;
  return out;
}

// Once a quarter of the budget is held, new evidence is compressed; alerts
// still carry each document exactly as it came.
TEST(CorrelationEvidence, CompressedOnceTheBudgetIsAQuarterUsedAndExactInAlerts) {
  const size_t user_cost = state::Evidence(to_json(event(fail_json("user1000")))).cost();
  Correlator c(kFivePerUser, {}, 60, {}, 4000 * user_cost);  // 1,100 users: over a quarter
  const CarolsEvidence carol = carol_after_1100_users(c);
  ASSERT_EQ(carol.carried.size(), 5u);
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(to_json(carol.carried[i]), carol.fed[i]);
  EXPECT_LT(carol.added, 5 * state::Evidence(carol.fed.front()).cost());
}

// While a quarter of the budget holds everything, compressing would only
// cost time: evidence stays as it came.
TEST(CorrelationEvidence, PlainWhileTheBudgetHasRoom) {
  Correlator c(kFivePerUser);  // 64 MiB
  const CarolsEvidence carol = carol_after_1100_users(c);
  ASSERT_EQ(carol.carried.size(), 5u);
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(to_json(carol.carried[i]), carol.fed[i]);
  EXPECT_EQ(carol.added, 5 * state::Evidence(carol.fed.front()).cost());
}

TEST(CorrelationEvidence, BudgetBoundsWhatWindowsHoldNearGroupsFirst) {
  // Every test document serializes to the same length, so each costs the same.
  const size_t cost = state::Evidence(to_json(event(numbered_fail(1)))).cost();
  // Room for four; the second half (above 2.25) only for groups at least
  // halfway to their threshold (here 3 of 5 failures).
  Correlator c(kFivePerUser, {}, 60, {}, 4 * cost + cost / 2);
  const auto* engine = c.detector().engine();
  EXPECT_TRUE(c.fired(1, numbered_fail(1)).empty());
  EXPECT_TRUE(c.fired(2, numbered_fail(2)).empty());
  EXPECT_EQ(engine->evidence_bytes(), 2 * cost);
  EXPECT_TRUE(c.fired(3, numbered_fail(3, "bob")).empty());  // 1 of 5: not in the second half
  EXPECT_EQ(c.evidence_refused.value(), 1u);
  EXPECT_TRUE(c.fired(4, numbered_fail(4)).empty());  // alice at 3 of 5, then 4
  EXPECT_TRUE(c.fired(5, numbered_fail(5)).empty());
  EXPECT_EQ(engine->evidence_bytes(), 4 * cost);
  const auto alerts = c.feed(6, numbered_fail(6));
  ASSERT_EQ(alerts.size(), 1u);
  // The completing event is carried although the budget is spent.
  EXPECT_EQ(numbers_of(alerts[0].events), (std::vector<int64_t>{1, 2, 4, 5, 6}));
  EXPECT_EQ(c.evidence_refused.value(), 2u);
  EXPECT_EQ(engine->evidence_bytes(), 4 * cost);
  // Entries leaving the window give their evidence back: 400 s later (5 min
  // window + 60 s lateness) alice's old entries are gone and her new one
  // keeps its evidence.
  EXPECT_TRUE(c.fired(406, numbered_fail(7)).empty());
  EXPECT_EQ(engine->evidence_bytes(), cost);
  EXPECT_EQ(c.evidence_refused.value(), 2u);
}

TEST(CorrelationEvidence, ExpiredGroupsGiveTheirEvidenceBack) {
  const auto cost = [](const std::string& json) {
    return state::Evidence(to_json(event(json))).cost();
  };
  Correlator c(kFivePerUser, {}, 0);
  const auto* engine = c.detector().engine();
  size_t held = 0;
  for (int u = 0; u < 50; ++u) {
    c.feed(u, fail_json("user" + std::to_string(u)));
    held += cost(fail_json("user" + std::to_string(u)));
  }
  EXPECT_EQ(engine->evidence_bytes(), held);
  // Far later events expire the 50 groups; two new groups of 100 entries
  // each keep the evidence of their newest 10 only.
  for (int i = 0; i < 200; ++i) c.feed(100000 + i, fail_json("late" + std::to_string(i % 2)));
  EXPECT_EQ(c.store().stats().expired, 50u);
  EXPECT_EQ(engine->evidence_bytes(), 20 * cost(fail_json("late0")));
  EXPECT_EQ(c.evidence_refused.value(), 0u);
}

TEST(CorrelationInputFields, GroupByAndValueFieldsFromWindowsEventDataNestedPathsAndArrays) {
  Correlator c(R"(title: Distinct targets per Windows host
name: win_targets
correlation: {type: value_count, rules: [failed_login], group-by: [Computer], timespan: 5m, condition: {field: TargetUserName, gte: 2}}
---
title: Sum per nested source
name: nested_sum
correlation: {type: value_sum, rules: [read], group-by: [src.ip], timespan: 5m, condition: {field: bytes.out, gte: 30}}
)");
  ASSERT_TRUE(c.loaded.errors.empty()) << c.errors();
  const auto win = [](const std::string& host, const std::string& target) {
    return R"({"action":"fail","Event":{"System":{"Computer":")" + host +
           R"("},"EventData":{"TargetUserName":")" + target + R"("}}})";
  };
  EXPECT_TRUE(c.fired(1, win("dc1", "alice")).empty());
  EXPECT_TRUE(c.fired(2, win("dc2", "bob")).empty());    // another host: another group
  EXPECT_TRUE(c.fired(3, win("dc1", "alice")).empty());  // same target again
  EXPECT_THAT(c.fired(4, win("dc1", "carol")), ElementsAre("win_targets"));
  // An array holding the group-by value counts by its first element.
  EXPECT_TRUE(
      c.fired(5, R"({"action":"read","src":{"ip":["1.1.1.1","9.9.9.9"]},"bytes":{"out":10}})")
          .empty());
  EXPECT_TRUE(c.fired(6, R"({"action":"read","src":{"ip":"9.9.9.9"},"bytes":{"out":25}})").empty());
  EXPECT_THAT(c.fired(7, R"({"action":"read","src":{"ip":"1.1.1.1"},"bytes":{"out":20}})"),
              ElementsAre("nested_sum"));
}

TEST(CorrelationState, ConcurrentWorkersCountEveryEventOnce) {
  Correlator c(R"(title: Exactly 2000
name: exactly
correlation: {type: event_count, rules: [failed_login], group-by: [user], timespan: 1h, condition: {eq: 2000}}
)");
  std::atomic<int> alerts{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      for (int i = 0; i < 500; ++i) alerts += static_cast<int>(c.feed(100, kFailed).size());
    });
  }
  for (auto& t : workers) t.join();
  EXPECT_EQ(alerts.load(), 1);  // the 2000th event, whichever worker ran it
}

}  // namespace
}  // namespace vigil::sigma::testing
