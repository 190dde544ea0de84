// Nothing sensitive at rest: raw PII and secrets sent in events must not
// appear in any file under the data dir (WAL included), in an API response,
// or in the log.
#include <gtest/gtest.h>

#include "integration/daemon_fixture.h"

namespace vigil::testing {
namespace {

const std::vector<std::string> kSecrets = {
    "alice.smith@example.com",
    "078-05-1120",
    "4111111111111111",
    "4111 1111 1111 1111",
    "hunter2-Pass",
    "sk_live_TOPSECRETKEY",
    "AKIAIOSFODNN7EXAMPLE",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlLXZhbHVl",
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
    "198.51.100.77",
    "Zm9vYmFyYmF6cXV4"};

std::string pii_events() {
  return R"({"event_type":"data_access","user_id":"alice.smith@example.com","ip_address":"198.51.100.77","note":"ssn 078-05-1120 card 4111 1111 1111 1111 order 1234 5678 9012 3456"})"
         "\n"
         R"({"event_type":"authentication_failure","message":"login password=hunter2-Pass from 198.51.100.77","api_key":"sk_live_TOPSECRETKEY"})"
         "\n"
         R"({"event_type":"api_call","headers":{"Authorization":"Bearer Zm9vYmFyYmF6cXV4"},"detail":[{"aws":"AKIAIOSFODNN7EXAMPLE"},{"jwt":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlLXZhbHVl"}]})"
         "\n"
         R"({"event_type":"config_dump","text":"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----","card":"4111111111111111","password":"hunter2-Pass"})"
         "\n";
}

void expect_clean(const std::string& where, const std::string& bytes) {
  for (const auto& s : kSecrets) {
    EXPECT_EQ(bytes.find(s), std::string::npos) << "'" << s << "' found in " << where;
  }
}

// With the default detectors events are sanitized on the detect lanes; with
// none, the workers finish them (Pipeline::finish_here). Both ways are checked.
class PiiAtRest : public ::testing::TestWithParam<const char*> {};

TEST_P(PiiAtRest, NoRawSecretReachesFilesApiOrLog) {
  Daemon d(std::string("sanitize:\n  pseudonymize_key: integration-test-key-0123456789\n") +
           GetParam());
  ASSERT_TRUE(d.started()) << d.process().log();
  auto [status, reply] = d.post_ndjson(pii_events());
  ASSERT_EQ(status, 200) << reply.dump();
  ASSERT_EQ(reply["accepted"], 4);

  auto res = d.client().Get("/api/v1/events?limit=100");
  ASSERT_TRUE(res);
  auto page = nlohmann::json::parse(res->body);
  ASSERT_EQ(page["events"].size(), 4u);  // the events are there, only sanitized
  expect_clean("the API response", res->body);
  // The Luhn-invalid order number is not a card: it must survive.
  EXPECT_NE(res->body.find("1234 5678 9012 3456"), std::string::npos) << res->body;

  // While running (data still in the WAL) and after a clean stop.
  for (const char* phase : {"running", "stopped"}) {
    if (std::string(phase) == "stopped") {
      d.process().terminate();
      d.process().wait_exit();
    }
    size_t files = 0;
    for (const auto& f : std::filesystem::recursive_directory_iterator(d.data_dir())) {
      if (!f.is_regular_file()) continue;
      ++files;
      expect_clean(f.path().string() + " (" + phase + ")", read_file(f.path()));
    }
    EXPECT_GT(files, 0u);
  }
  expect_clean("the log", d.process().log());
}

INSTANTIATE_TEST_SUITE_P(
    DetectLanesAndWorkers, PiiAtRest,
    ::testing::Values("",
                      "detect:\n  builtin_rules: false\nml:\n  enabled: false\n"
                      "behavior:\n  enabled: false\nintel:\n  enabled: false\n"),
    [](const ::testing::TestParamInfo<const char*>& info) {
      return std::string(info.param).empty() ? "DefaultDetectors" : "NoDetectors";
    });

}  // namespace
}  // namespace vigil::testing
