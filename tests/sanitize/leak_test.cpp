// The property the sanitizer exists for: after sanitize(), none of the raw
// sensitive values appears anywhere in what would be written out.
#include "core/json_writer.h"
#include "sanitize_test_util.h"

namespace vigil {
namespace {

struct Secret {
  const char* raw;   // must not survive
  const char* text;  // how it appears in the event
};

const Secret kSecrets[] = {
    {"078-05-1120", "applicant ssn 078-05-1120 on file"},
    {"4111 1111 1111 1111", "paid with 4111 1111 1111 1111"},
    {"5500000000000004", "card=5500000000000004;"},
    {"jane.doe@corp.example", "To: jane.doe@corp.example"},
    {"198.51.100.23", "peer 198.51.100.23:443"},
    {"2001:db8:85a3:7:8a2e:370:7334:1", "v6 2001:db8:85a3:7:8a2e:370:7334:1"},
    {"Tr0ub4dor&3", "password=\"Tr0ub4dor&3\""},
    {"hunter2", "mysql -u root --password=hunter2"},
    {"mF_9.B5f-4.1JqM", "Authorization: Bearer mF_9.B5f-4.1JqM"},
    {"QWxhZGRpbjpvcGVuIHNlc2FtZQ", "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="},
    {"eyJzdWIiOiIxMjM0NTY3ODkwIn0", "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2ln"},
    {"AKIAIOSFODNN7EXAMPLE", "aws_access_key_id=AKIAIOSFODNN7EXAMPLE"},
    {"MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
     "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----"},
    {"s3cr3t-db-pass", "postgres://app:s3cr3t-db-pass@db:5432/prod"},
};

Value event_with_secrets() {
  Array lines;
  std::string all;
  for (const auto& s : kSecrets) {
    lines.emplace_back(s.text);
    all += s.text;
    all += " | ";
  }
  return Object{
      {"message", all},
      {"lines", lines},
      {"user", Object{{"name", "jdoe"},
                      {"email", "jane.doe@corp.example"},
                      {"password", "correct-horse-battery"}}},
      {"http",
       Object{{"request", Object{{"headers", Object{{"Cookie", "session=abc123def456"},
                                                    {"X-Api-Key", "k_live_51HxYzAbCdEf"}}}}}}},
      {"source", Object{{"ip", "198.51.100.23"}}},
      {"payment", Object{{"pan", uint64_t{4111111111111111}}}},
      {"config", Array{Value(Object{{"client_secret", Array{Value(1), Value("zz-top-secret")}}})}},
  };
}

TEST(SanitizeLeak, NoRawValueSurvivesAnywhere) {
  Value doc = event_with_secrets();
  testing::default_sanitizer()->sanitize(doc);
  const std::string json = to_json(doc);
  for (const auto& s : kSecrets) EXPECT_EQ(json.find(s.raw), std::string::npos) << s.raw;
  for (const char* raw : {"correct-horse-battery", "abc123def456", "k_live_51HxYzAbCdEf",
                          "4111111111111111", "zz-top-secret"}) {
    EXPECT_EQ(json.find(raw), std::string::npos) << raw;
  }
  // What is not sensitive is still there to read.
  EXPECT_NE(json.find("\"name\":\"jdoe\""), std::string::npos) << json;
  EXPECT_NE(json.find("applicant ssn [REDACTED_SSN] on file"), std::string::npos) << json;
  EXPECT_NE(json.find("peer 198.51.100.0:443"), std::string::npos) << json;
}

TEST(SanitizeLeak, FreeTextWithEverythingAtOnce) {
  std::string all;
  for (const auto& s : kSecrets) all += std::string(s.text) + "\n";
  const std::string out = testing::clean(all);
  for (const auto& s : kSecrets) EXPECT_EQ(out.find(s.raw), std::string::npos) << s.raw;
}

TEST(SanitizeLeak, PseudonymizeEverythingStillLeaksNothing) {
  SanitizeConfig c = testing::keyed_config();
  for (const char* p : {"ssn", "credit_card", "email", "ip_address", "password", "bearer_token",
                        "jwt", "aws_access_key", "private_key", "sensitive_key"}) {
    c.actions[p] = "pseudonymize";
  }
  Value doc = event_with_secrets();
  testing::make_sanitizer(c)->sanitize(doc);
  const std::string json = to_json(doc);
  for (const auto& s : kSecrets) EXPECT_EQ(json.find(s.raw), std::string::npos) << s.raw;
  EXPECT_EQ(json.find("correct-horse-battery"), std::string::npos);
}

}  // namespace
}  // namespace vigil
