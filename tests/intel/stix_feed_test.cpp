// STIX feeds: every bundle in ti/stix against the independent count of
// tests/intel/data/count_stix.py (regular expressions over the pattern text).
#include <gtest/gtest.h>

#include <fstream>

#include "feed_test_util.h"
#include "intel/indicator_store.h"
#include "intel/stix_feed_reader.h"
#include "support/test_data.h"

namespace vigil::intel {
namespace {

using namespace testing_util;

struct StixSample {
  const char* path;
  size_t indicator_objects;
  size_t untranslatable;
  size_t observables;
  size_t malformed = 0;  // values broken in the source file itself (see below)
};

// Output of `python3 tests/intel/data/count_stix.py ../shared/data/ti/stix`.
constexpr StixSample kSamples[] = {
    {"amnesty-investigations/nso_pegasus.stix2", 1549, 82, 1467},
    {"amnesty-investigations/serbia_novispy.stix2", 18, 7, 11},
    {"misp-stix-tests/test_attributes_collection_stix21.json", 3, 1, 2},
    {"misp-stix-tests/test_event1_stix20.json", 1, 0, 1},
    {"misp-stix-tests/test_event1_stix21.json", 1, 0, 1},
    {"misp-stix-tests/test_event2_stix21.json", 2, 1, 2},
    {"misp-stix-tests/test_events_collection_stix21.json", 3, 1, 2},
    {"misp-stix-tests/test_objects_collection_stix21.json", 3, 0, 6},
    // 'despachosnegocios': a domain-name value without a dot.
    {"mvt-indicators/intellexa_predator.stix2", 585, 16, 569, 1},
    {"mvt-indicators/operation_triangulation.stix2", 112, 1, 111},
    {"mvt-indicators/rcs_lab.stix2", 40, 5, 35},
    {"oasis-documentation/indicator-for-malicious-url.json", 1, 0, 1},
    {"oasis-documentation/malware-indicator-for-file-hash.json", 1, 0, 1},
    {"oasis-documentation/sighting-of-an-indicator.json", 1, 0, 1},
    {"oasis-json-schemas/indicator-for-c2-ip-address.json", 1, 0, 1},
    {"oasis-json-schemas/indicator-to-campaign-relationship.json", 1, 0, 1},
    {"oasis-json-schemas/indicators-for-C2-with-COA.json", 2, 0, 2},
    {"oasis-json-schemas/malicious-email-indicator-with-attachment.json", 2, 2, 0},
    {"oasis-json-schemas/threat-report-apt1.json", 12, 2, 10},
    // 'domain autuo.xicp.net': a domain-name value with a word and a space before it.
    {"oasis-json-schemas/threat-report-poisonivy.json", 25, 2, 43, 1},
};

class RealStixBundles : public ::testing::TestWithParam<StixSample> {};

TEST_P(RealStixBundles, ImportsWhatTheIndependentCountFinds) {
  const StixSample& s = GetParam();
  VIGIL_REQUIRE_DATA(file, std::string("ti/stix/") + s.path);
  const FeedReport r = import_or_fail("stix", file, options_for("stix"));
  EXPECT_EQ(r.records, s.indicator_objects);
  EXPECT_EQ(skipped(r, "pattern with no translatable comparison"), s.untranslatable);
  EXPECT_EQ(r.indicators().size(), s.observables - s.malformed);
  EXPECT_EQ(skipped(r, "malformed"), s.malformed);
  EXPECT_EQ(r.problems.size(), s.malformed);
  if (r.problems.size() != s.malformed) {
    for (const auto& p : r.problems) ADD_FAILURE() << p.message;
  }
}

INSTANTIATE_TEST_SUITE_P(Samples, RealStixBundles, ::testing::ValuesIn(kSamples));

TEST(StixFeed, Apt1CidrInsideEqualityMatchesTheRange) {
  VIGIL_REQUIRE_DATA(file, "ti/stix/oasis-json-schemas/threat-report-apt1.json");
  IndicatorStore store(Allowlist{});
  store.replace_source("apt1", import_or_fail("stix", file, options_for("apt1")).indicators());
  auto r = store.lookup("223.167.1.1", std::nullopt, kImportTime);  // in 223.166.0.0/15
  ASSERT_TRUE(r);
  EXPECT_EQ(r->matches[0].value, "223.166.0.0/15");
  EXPECT_EQ(r->matches[0].type, IndicatorType::kCidr);
}

TEST(StixFeed, FieldsVersionsRevocationAndExpiry) {
  const std::string bundle = R"({"type":"bundle","id":"bundle--1","objects":[
    {"type":"indicator","spec_version":"2.1","id":"indicator--a","created":"2024-01-01T00:00:00Z",
     "modified":"2024-01-01T00:00:00Z","valid_from":"2024-01-01T00:00:00Z","pattern_type":"stix",
     "pattern":"[domain-name:value = 'old.example']","confidence":10},
    {"type":"indicator","spec_version":"2.1","id":"indicator--a","created":"2024-01-01T00:00:00Z",
     "modified":"2024-03-01T00:00:00Z","valid_from":"2024-01-01T00:00:00Z","pattern_type":"stix",
     "pattern":"[domain-name:value = 'new.example']","confidence":85,
     "indicator_types":["malicious-activity"],"labels":["apt"],"name":"C2 domain",
     "external_references":[{"source_name":"x","url":"https://ref.example/a"}]},
    {"type":"indicator","spec_version":"2.1","id":"indicator--b","created":"2024-01-01T00:00:00Z",
     "modified":"2024-02-01T00:00:00Z","valid_from":"2024-01-01T00:00:00Z","pattern_type":"stix",
     "pattern":"[ipv4-addr:value = '5.5.5.5']","revoked":true},
    {"type":"indicator","spec_version":"2.1","id":"indicator--c","created":"2024-01-01T00:00:00Z",
     "modified":"2024-01-01T00:00:00Z","valid_from":"2024-01-01T00:00:00Z",
     "valid_until":"2024-06-01T00:00:00Z","pattern_type":"stix","pattern":"[ipv4-addr:value = '6.6.6.6']"},
    {"type":"indicator","spec_version":"2.1","id":"indicator--d","created":"2024-01-01T00:00:00Z",
     "modified":"2024-01-01T00:00:00Z","valid_from":"2024-01-01T00:00:00Z",
     "valid_until":"2026-01-01T00:00:00Z","pattern_type":"stix","pattern":"[ipv4-addr:value = '7.7.7.7']"},
    {"type":"indicator","spec_version":"2.1","id":"indicator--e","created":"2024-01-01T00:00:00Z",
     "modified":"2024-01-01T00:00:00Z","valid_from":"2024-01-01T00:00:00Z","pattern_type":"sigma",
     "pattern":"title: x"},
    {"type":"indicator","spec_version":"2.1","id":"indicator--f","created":"2024-01-01T00:00:00Z",
     "modified":"2024-01-01T00:00:00Z","valid_from":"2024-01-01T00:00:00Z","pattern_type":"stix",
     "pattern":"[ipv4-addr:value = '8.8.8.8'"}]})";
  const auto dir = vigil::testing::make_temp_dir("intel_stix");
  std::ofstream(dir / "b.json") << bundle;
  const FeedReport r = import_or_fail("stix", dir / "b.json", options_for("s"));
  std::filesystem::remove_all(dir);
  EXPECT_EQ(r.records, 7u);
  EXPECT_EQ(skipped(r, "older version of a STIX object"), 1u);
  EXPECT_EQ(skipped(r, "revoked"), 1u);
  EXPECT_EQ(skipped(r, "pattern_type sigma"), 1u);
  EXPECT_EQ(skipped(r, "expired (valid_until passed)"), 1u);  // 6.6.6.6, before kImportTime
  ASSERT_EQ(r.problems.size(), 1u);                           // the broken pattern
  ASSERT_EQ(r.indicators().size(), 2u);
  const auto indicators = r.indicators();
  const Indicator& a = indicators[0];
  EXPECT_EQ(a.value, "new.example");
  EXPECT_EQ(a.confidence, 85);
  EXPECT_EQ(a.tags, (std::vector<std::string>{"malicious-activity", "apt"}));
  EXPECT_EQ(a.description, "C2 domain");
  EXPECT_EQ(a.reference, "https://ref.example/a");
  EXPECT_EQ(a.first_seen, *parse_iso8601("2024-01-01T00:00:00Z"));
  EXPECT_EQ(a.last_seen, *parse_iso8601("2024-03-01T00:00:00Z"));
  EXPECT_EQ(r.indicators()[1].valid_until, *parse_iso8601("2026-01-01T00:00:00Z"));
}

TEST(StixFeed, NotJsonIsAFileError) {
  FeedOptions o = options_for("s");
  EXPECT_FALSE(StixFeedReader(o).parse("{not json"));
  EXPECT_FALSE(StixFeedReader(o).parse(R"({"type":"bundle"})"));
}

}  // namespace
}  // namespace vigil::intel
