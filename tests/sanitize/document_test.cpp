// Whole documents: strings at any depth, keys, sensitive members, numbers.
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/json_writer.h"
#include "sanitize/digit_shapes.h"
#include "sanitize_test_util.h"

namespace vigil {
namespace {

using testing::keyed_config;
using testing::make_sanitizer;

Value sanitized(Value doc,
                const std::shared_ptr<const Sanitizer>& s = testing::default_sanitizer()) {
  s->sanitize(doc);
  return doc;
}

TEST(SanitizeDocument, StringsAtAnyDepthOfObjectsAndArrays) {
  Value doc = Object{
      {"msg", "login from 203.0.113.77"},
      {"a", Array{Value("x"), Value(Array{Value("ssn 123-45-6789")})}},
      {"b", Object{{"c", Object{{"d", "mail bob@example.org"}}}}},
  };
  EXPECT_EQ(to_json(sanitized(doc)),
            R"({"msg":"login from 203.0.113.0","a":["x",["ssn [REDACTED_SSN]"]],)"
            R"("b":{"c":{"d":"mail [REDACTED_EMAIL]"}}})");
}

TEST(SanitizeDocument, SensitiveKeysAtDepthInArraysOfObjects) {
  Value doc =
      Object{{"users", Array{
                           Value(Object{{"name", "a"}, {"password", "p1"}}),
                           Value(Object{{"name", "b"},
                                        {"API_KEY", "k2"},
                                        {"settings", Object{{"client_secret", Object{{"x", 1}}}}}}),
                       }}};
  EXPECT_EQ(to_json(sanitized(doc)),
            R"({"users":[{"name":"a","password":"[REDACTED]"},)"
            R"({"name":"b","API_KEY":"[REDACTED]","settings":{"client_secret":"[REDACTED]"}}]})");
}

TEST(SanitizeDocument, SensitiveValueReplacedWhateverItsType) {
  Value doc = Object{{"token", 12345},
                     {"secret", true},
                     {"cookie", Array{Value("a=b")}},
                     {"credentials", Object{{"user", "u"}}},
                     {"passwd", nullptr}};
  EXPECT_EQ(to_json(sanitized(doc)),
            R"({"token":"[REDACTED]","secret":"[REDACTED]","cookie":"[REDACTED]",)"
            R"("credentials":"[REDACTED]","passwd":null})");
}

TEST(SanitizeDocument, WhichKeysAreSensitive) {
  for (const char* key : {"password", "user_password", "Access_Token", "csrfToken", "x-api-key",
                          "db.pwd", "refresh_token", "private_key", "Authorization", "Set-Cookie",
                          "aws_secret_access_key", "PASSPHRASE"}) {
    Value doc = Object{{key, "v4lue"}};
    EXPECT_EQ(*sanitized(doc).find(key), Value("[REDACTED]")) << key;
  }
  for (const char* key :
       {"token_count", "tokens_used", "pwdLastSet", "user", "author", "session_id", "keyboard"}) {
    Value doc = Object{{key, "v4lue"}};
    EXPECT_EQ(*sanitized(doc).find(key), Value("v4lue")) << key;
  }
}

TEST(SanitizeDocument, ConfiguredSensitiveKeys) {
  SanitizeConfig c = keyed_config();
  c.sensitive_keys = {"ssn_raw", "*_internal", "X-Priv-*", "*hidden*"};
  const auto s = make_sanitizer(c);
  EXPECT_EQ(s->sanitize_text("ssn_raw=1 my_ssn_raw=2 a_internal: 3"),
            "ssn_raw=[REDACTED] my_ssn_raw=2 a_internal: [REDACTED]");
  Value doc = Object{{"SSN_RAW", "1"},       {"my_ssn_raw", "2"}, {"note_internal", "3"},
                     {"internal_note", "4"}, {"x-priv-id", "5"},  {"a.ssn_raw", "6"},
                     {"unhiddenly", "7"}};
  EXPECT_EQ(to_json(sanitized(doc, s)),
            R"({"SSN_RAW":"[REDACTED]","my_ssn_raw":"2","note_internal":"[REDACTED]",)"
            R"("internal_note":"4","x-priv-id":"[REDACTED]","a.ssn_raw":"[REDACTED]",)"
            R"("unhiddenly":"[REDACTED]"})");
}

TEST(SanitizeDocument, SensitiveKeyActions) {
  SanitizeConfig c = keyed_config();
  c.actions["sensitive_key"] = "pseudonymize";
  const auto p = make_sanitizer(c);
  Value doc = sanitized(Object{{"token", "t0k"}, {"secret", Object{{"a", 1}}}}, p);
  EXPECT_EQ(doc.find("token")->as_string(), p->pseudonymize("t0k"));
  EXPECT_EQ(doc.find("secret")->as_string(), p->pseudonymize(R"({"a":1})"));

  c.actions["sensitive_key"] = "drop";
  Value dropped = sanitized(Object{{"a", 1},
                                   {"password", "x"},
                                   {"b", Object{{"token", "t"}, {"c", 2}}},
                                   {"secret", "s"},
                                   {"d", 3}},
                            make_sanitizer(c));
  EXPECT_EQ(to_json(dropped), R"({"a":1,"b":{"c":2},"d":3})");

  c.actions["sensitive_key"] = "keep";
  EXPECT_EQ(to_json(sanitized(Object{{"password", "x"}}, make_sanitizer(c))),
            R"({"password":"x"})");
}

TEST(SanitizeDocument, SensitiveMemberIsReplacedWithItsRawValueNotRewritten) {
  SanitizeConfig c = keyed_config();
  c.actions["sensitive_key"] = "pseudonymize";
  const auto p = make_sanitizer(c);
  // The e-mail inside is not redacted first: the pseudonym is of the original.
  Value doc = sanitized(Object{{"credentials", "bob@example.org"}}, p);
  EXPECT_EQ(doc.find("credentials")->as_string(), p->pseudonymize("bob@example.org"));
}

TEST(SanitizeDocument, KeysAreSanitizedToo) {
  Value doc = Object{{"alice@example.com", 1}, {"from 203.0.113.77", "x"}};
  EXPECT_EQ(to_json(sanitized(doc)), R"({"[REDACTED_EMAIL]":1,"from 203.0.113.0":"x"})");
}

TEST(SanitizeDocument, CardNumbersAsJsonNumbers) {
  Value doc = Object{{"cc", uint64_t{4111111111111111}},
                     {"cc2", 4111111111111111.0},
                     {"order", uint64_t{4111111111111112}},
                     {"ts", int64_t{1705321845123}},
                     {"n", int64_t{-4111111111111111}}};
  EXPECT_EQ(to_json(sanitized(doc)),
            R"({"cc":"[REDACTED_CREDIT_CARD]","cc2":"[REDACTED_CREDIT_CARD]",)"
            R"("order":4111111111111112,"ts":1705321845123,"n":-4111111111111111})");
}

TEST(SanitizeDocument, DeepNestingIsWalkedAndTheTooDeepIsCut) {
  Value deep = "mail bob@example.org";
  for (int i = 0; i < 100; ++i) deep = Value(Object{{"k", deep}});
  Value out = sanitized(deep);
  const Value* v = &out;
  for (int i = 0; i < 100; ++i) v = v->find("k");
  EXPECT_EQ(*v, Value("mail [REDACTED_EMAIL]"));

  Value too_deep = "bob@example.org";
  for (int i = 0; i < 200; ++i) too_deep = Value(Array{too_deep});
  const std::string json = to_json(sanitized(too_deep));
  EXPECT_EQ(json.find("bob@example.org"), std::string::npos);
  EXPECT_NE(json.find("[REDACTED_TOO_DEEP]"), std::string::npos);
}

TEST(SanitizeDocument, CleanDocumentIsLeftExactlyAsItWas) {
  Value doc = Object{{"@timestamp", "2024-01-15T12:30:45.123Z"},
                     {"event", "login_failed"},
                     {"user", Object{{"name", "alice"}}},
                     {"bytes", 512},
                     {"ok", false},
                     {"tags", Array{Value("ssh"), Value("")}},
                     {"token_count", 3}};
  const Value before = doc;
  const char* data = doc.find("event")->as_string().data();
  testing::default_sanitizer()->sanitize(doc);
  EXPECT_EQ(doc, before);
  EXPECT_EQ(doc.find("event")->as_string().data(), data);  // not even reassigned
}

TEST(SanitizeDocument, ScalarsAndEmptyDocuments) {
  Value s = "ssn 123-45-6789";
  EXPECT_EQ(sanitized(s), Value("ssn [REDACTED_SSN]"));
  EXPECT_EQ(sanitized(Value()), Value());
  EXPECT_EQ(sanitized(Value(Object{})), Value(Object{}));
  EXPECT_EQ(sanitized(Value(42)), Value(42));
}

// A string that is exactly a date-time skips the scan (every event has one or two,
// each unique). That is only safe if the full scan could never find anything in one:
// checked here on random date-times of every shape, against the detector alone.
TEST(SanitizeDocument, TimestampTextsAreCleanBySkipOrScan) {
  std::mt19937 rng(14);
  auto digits = [&](int n) {
    std::string d;
    for (int i = 0; i < n; ++i) d += static_cast<char>('0' + rng() % 10);
    return d;
  };
  for (int i = 0; i < 20000; ++i) {
    std::string t = digits(4) + "-" + digits(2) + "-" + digits(2) + "T" + digits(2) + ":" +
                    digits(2) + ":" + digits(2);
    if (rng() % 2) t += "." + digits(1 + static_cast<int>(rng() % 9));
    const int zone = static_cast<int>(rng() % 3);
    t += zone == 0 ? std::string("Z") : (zone == 1 ? "+" : "-") + digits(2) + ":" + digits(2);
    ASSERT_TRUE(sanitize_detail::is_timestamp_text(t)) << t;
    ASSERT_EQ(testing::clean(t), t) << "the full scan finds something in " << t;
    Value doc = Object{{"at", Value(t)}};
    testing::default_sanitizer()->sanitize(doc);
    ASSERT_EQ(doc.find("at")->as_string(), t);
  }
}

TEST(SanitizeDocument, OnlyExactTimestampsSkipTheScan) {
  for (const char* t : {"2024-01-01T00:00:00Z", "2024-01-01T00:00:00.123456789+05:30",
                        "2024-01-01T00:00:00-08:00", "2024-01-01T00:00:00.1Z"}) {
    EXPECT_TRUE(sanitize_detail::is_timestamp_text(t)) << t;
  }
  for (const char* t :
       {"2024-01-01T00:00:00", "2024-01-01 00:00:00Z", "2024-01-01T00:00:00.Z",
        "2024-01-01T00:00:00.1234567890Z", "2024-01-01T00:00:00+0530", "2024-01-01T00:00:00Zx",
        "x2024-01-01T00:00:00Z", "2024-01-01T00:00:00+05:30 ", "2024-1-01T00:00:00Z", ""}) {
    EXPECT_FALSE(sanitize_detail::is_timestamp_text(t)) << t;
  }
  // Next to one, what the patterns cover is still found.
  Value doc = Object{{"m", Value("2024-01-01T00:00:00Z 123-45-6789")}};
  testing::default_sanitizer()->sanitize(doc);
  EXPECT_EQ(doc.find("m")->as_string().find("123-45-6789"), std::string::npos);
}

// A value the document holds twice is scanned once and rewritten the same in
// both places, including when its first occurrence sits in a sensitive member
// (left raw there, for the member's own replacement).
TEST(SanitizeDocument, RepeatedValuesAreRewrittenInEveryPlace) {
  Value doc = Object{
      {"password", "bob@example.com"},
      {"contact", "bob@example.com"},
      {"ip_address", "203.0.113.77"},
      {"source", Object{{"ip", "203.0.113.77"}}},
      {"note", "plain"},
      {"copy", "plain"},
      {"owner", "eve@example.org"},
      {"secret", Object{{"mail", "eve@example.org"}}},
  };
  EXPECT_EQ(to_json(sanitized(doc)),
            R"({"password":"[REDACTED]","contact":"[REDACTED_EMAIL]",)"
            R"("ip_address":"203.0.113.0","source":{"ip":"203.0.113.0"},)"
            R"("note":"plain","copy":"plain","owner":"[REDACTED_EMAIL]","secret":"[REDACTED]"})");
}

// The same, on random documents whose members repeat each other's values:
// the whole document comes out as its members would, each sanitized alone.
TEST(SanitizeDocument, RepeatedValuesComeOutAsEachWouldAlone) {
  const std::vector<std::string> keys = {"user", "contact", "password", "note", "token", "ip"};
  const std::vector<std::string> values = {"alice",
                                           "bob@example.com",
                                           "203.0.113.77",
                                           "ssn 123-45-6789",
                                           "password=hunter2 x",
                                           "2001:db8::7",
                                           "card 4111 1111 1111 1111",
                                           "plain text, nothing to hide"};
  for (const char* action : {"redact", "pseudonymize", "drop"}) {
    const auto config = testing::config_with_email_action(action);
    const auto whole = make_sanitizer(config);
    const auto alone = make_sanitizer(config);
    std::mt19937 rng(16);
    std::uniform_int_distribution<size_t> key(0, keys.size() - 1), value(0, values.size() - 1),
        members(2, 8), nested(0, 3);
    size_t repeats = 0;
    for (int round = 0; round < 500; ++round) {
      Object members_in;
      std::set<std::string> seen;
      const size_t n = members(rng);
      for (size_t i = 0; i < n; ++i) {
        const std::string& v = values[value(rng)];
        repeats += seen.insert(v).second ? 0 : 1;
        if (nested(rng) == 0) {
          members_in.emplace_back(keys[key(rng)], Object{{keys[key(rng)], Value(v)}});
        } else {
          members_in.emplace_back(keys[key(rng)], Value(v));
        }
      }
      Object expected;
      for (const Member& m : members_in) {
        Value one(Object{m});
        alone->sanitize(one);
        for (Member& out : one.as_object()) expected.push_back(std::move(out));
      }
      Value doc(std::move(members_in));
      whole->sanitize(doc);
      ASSERT_EQ(to_json(doc), to_json(Value(std::move(expected)))) << action;
    }
    EXPECT_GT(repeats, 500u) << "the documents repeat values";
  }
}

}  // namespace
}  // namespace vigil
