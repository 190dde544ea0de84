// Configuration errors are values from create(), naming what is wrong.
#include "sanitize_test_util.h"

namespace vigil {
namespace {

void expect_config_error(const SanitizeConfig& c, const std::string& mention) {
  auto s = Sanitizer::create(c);
  ASSERT_FALSE(s) << "accepted, expected an error mentioning " << mention;
  EXPECT_EQ(s.error().code, ErrorCode::kConfig);
  EXPECT_NE(s.error().message.find(mention), std::string::npos) << s.error().message;
}

TEST(SanitizeConfigErrors, UnknownPatternName) {
  SanitizeConfig c = testing::keyed_config();
  c.actions["phone_number"] = "redact";
  expect_config_error(c, "phone_number");
}

TEST(SanitizeConfigErrors, UnknownActionName) {
  SanitizeConfig c = testing::keyed_config();
  c.actions["email"] = "hash";
  expect_config_error(c, "hash");
}

TEST(SanitizeConfigErrors, AnonymizeIpOnlyForIpAddresses) {
  SanitizeConfig c = testing::keyed_config();
  c.actions["email"] = "anonymize_ip";
  expect_config_error(c, "anonymize_ip");
  c.actions["email"] = "redact";
  c.actions["ip_address"] = "anonymize_ip";
  EXPECT_TRUE(Sanitizer::create(c));
}

TEST(SanitizeConfigErrors, BadSensitiveKeys) {
  for (const char* key : {"", "*", "**", "a*b", "  "}) {
    SanitizeConfig c = testing::keyed_config();
    c.sensitive_keys = {"fine", key};
    expect_config_error(c, "sensitive_keys");
  }
  SanitizeConfig off = testing::keyed_config();  // checked even while the rule is off
  off.actions["sensitive_key"] = "keep";
  off.sensitive_keys = {"a*b"};
  expect_config_error(off, "a*b");
}

TEST(SanitizeConfigErrors, PrefixesOutOfRange) {
  SanitizeConfig c = testing::keyed_config();
  c.ipv4_prefix = 33;
  expect_config_error(c, "ipv4_prefix");
  c.ipv4_prefix = 24;
  c.ipv6_prefix = -1;
  expect_config_error(c, "ipv6_prefix");
}

TEST(SanitizeConfigErrors, ShortPseudonymizeKey) {
  SanitizeConfig c;
  c.pseudonymize_key = "short";
  expect_config_error(c, "pseudonymize_key");
}

TEST(SanitizeConfigErrors, EverythingOffIsValidAndChangesNothing) {
  SanitizeConfig c = testing::keyed_config();
  for (const char* p : {"ssn", "credit_card", "email", "ip_address", "password", "bearer_token",
                        "jwt", "aws_access_key", "private_key", "sensitive_key"}) {
    c.actions[p] = "keep";
  }
  const auto s = testing::make_sanitizer(c);
  EXPECT_EQ(s->sanitize_text("a@b.org 123-45-6789 password=x"), "a@b.org 123-45-6789 password=x");
  Value doc = Object{{"password", "x"}};
  s->sanitize(doc);
  EXPECT_EQ(doc, Value(Object{{"password", "x"}}));
}

}  // namespace
}  // namespace vigil
