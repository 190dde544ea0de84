// MISP feeds and event exports. Expected counts: a json.load walk over
// Event.Attribute and Event.Object[].Attribute counting to_ids (see the
// comments), not vigil's reader.
#include <gtest/gtest.h>

#include "feed_test_util.h"
#include "intel/indicator_store.h"
#include "support/test_data.h"

namespace vigil::intel {
namespace {

using namespace testing_util;

// digitalside: 22 attributes in 2 events, 12 with to_ids (url, ip-dst, md5,
// sha1, sha256 — all matchable), 10 without; threat_level_id 2.
TEST(MispFeed, DigitalSideFeedDirectory) {
  VIGIL_REQUIRE_DATA(dir, "ti/misp-feed/digitalside");
  const FeedReport r = import_or_fail("misp", dir, options_for("digitalside"));
  EXPECT_EQ(r.records, 22u);
  EXPECT_EQ(skipped(r, "to_ids false"), 10u);
  EXPECT_EQ(r.indicators().size(), 12u);
  EXPECT_TRUE(r.problems.empty());
  IndicatorStore store;
  store.replace_source("digitalside", r.indicators());
  auto hit = store.lookup("fcaff61a5de5e44083555a29ee4f5246", std::nullopt, kImportTime);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->severity, Severity::kMedium);
  EXPECT_EQ(hit->matches[0].reference, "misp-event:6b1f53f8-296c-4c09-9556-6a2045024452");
  EXPECT_NE(std::find(hit->tags.begin(), hit->tags.end(), "tlp:white"), hit->tags.end());
  EXPECT_TRUE(
      store.lookup("http://185.172.111.195:5858/webos/whoareyou.x86", std::nullopt, kImportTime));
  // The manifest path names the same feed.
  EXPECT_EQ(import_or_fail("misp", dir / "manifest.json", options_for("d")).indicators().size(),
            12u);
}

// cloudmensis: REST-search shape; 22 attributes incl. objects, 11 to_ids:
// 3 md5 + 3 sha1 + 3 sha256 and 2 "text" (not matchable); threat level 1.
TEST(MispFeed, EsetCloudMensisRestShapeWithObjects) {
  VIGIL_REQUIRE_DATA(file, "ti/misp-events/eset/cloudmensis.misp.json");
  const FeedReport r = import_or_fail("misp", file, options_for("eset"));
  EXPECT_EQ(r.records, 22u);
  EXPECT_EQ(skipped(r, "to_ids false"), 11u);
  EXPECT_EQ(skipped(r, "MISP type text is not matched"), 2u);
  EXPECT_EQ(r.indicators().size(), 9u);
  for (const auto& i : r.indicators()) {
    EXPECT_TRUE(is_hash(i.type));
    EXPECT_EQ(i.severity, Severity::kHigh);
  }
}

// Zebrocy: 32 attributes, none with to_ids (as 44 of ESET's 57 events).
TEST(MispFeed, EventWithoutToIdsYieldsNothing) {
  VIGIL_REQUIRE_DATA(file, "ti/misp-events/eset/sednit_2018-11-20_Zebrocy.json");
  const FeedReport r = import_or_fail("misp", file, options_for("eset"));
  EXPECT_EQ(r.records, 32u);
  EXPECT_EQ(skipped(r, "to_ids false"), 32u);
  EXPECT_TRUE(r.indicators().empty());
  VIGIL_REQUIRE_DATA(bespin, "ti/misp-events/eset/sshdoor_bespin.json");
  EXPECT_EQ(import_or_fail("misp", bespin, options_for("eset")).records, 3u);
}

TEST(MispFeed, MissingEventFileIsReportedAndTheRestKept) {
  VIGIL_REQUIRE_DATA(src, "ti/misp-feed/digitalside");
  const auto dir = vigil::testing::make_temp_dir("intel_misp");
  std::filesystem::copy(src, dir, std::filesystem::copy_options::recursive);
  std::filesystem::remove(dir / "bfd691c1-0b4c-4156-89be-d2a88a75dac8.json");
  const FeedReport r = import_or_fail("misp", dir, options_for("d"));
  std::filesystem::remove_all(dir);
  EXPECT_EQ(r.indicators().size(), 7u);  // the first event's to_ids attributes
  EXPECT_EQ(r.problems.size(), 1u);
}

}  // namespace
}  // namespace vigil::intel
