// CSV lookup tables: matching, merging into the event, refusing broken files.
#include <gtest/gtest.h>

#include <fstream>

#include "core/field_path.h"
#include "enrich/enricher.h"
#include "support/test_data.h"

namespace vigil {
namespace {

namespace fs = std::filesystem;

fs::path fixture(const char* name) {
  return testing::source_dir() / "tests" / "fixtures" / "enrich" / name;
}

LookupTableConfig table(const fs::path& file, std::string key, std::string match,
                        std::string target) {
  return LookupTableConfig{file.stem().string(), file.string(), std::move(key), std::move(match),
                           std::move(target)};
}

Result<std::unique_ptr<Enricher>> with(std::vector<LookupTableConfig> tables) {
  EnrichConfig config;
  config.lookups = std::move(tables);
  return Enricher::create(config);
}

Value enrich(const Enricher& e, Value doc) {
  Event ev;
  ev.doc = std::move(doc);
  e.enrich(ev);
  return ev.doc;
}

TEST(EnrichLookup, AddsTheRowsOtherColumnsAtTheTarget) {
  auto e = with({table(fixture("users.csv"), "user", "user.name", "user.lookup")});
  ASSERT_TRUE(e) << e.error().message;
  const Value alice = enrich(**e, Object{{"user", Object{{"name", "alice"}}}});
  EXPECT_EQ(*FieldPath("user.lookup").find(alice),
            Value(Object{{"department", "Finance"},
                         {"title", "Head of Accounts Payable, EMEA"},
                         {"manager", "carol"}}));
  // Doubled quotes, an empty cell left out, a line break kept.
  const Value bob = enrich(**e, Object{{"user", Object{{"name", "bob"}}}});
  EXPECT_EQ(*FieldPath("user.lookup").find(bob),
            Value(Object{{"department", "Engineering"}, {"title", "Staff Engineer \"Platform\""}}));
  const Value carol = enrich(**e, Object{{"user", Object{{"name", "carol"}}}});
  EXPECT_EQ(FieldPath("user.lookup.title").find(carol)->as_string(), "Chief\nFinancial Officer");
  EXPECT_NE(FieldPath("user.lookup").find(enrich(**e, Object{{"user", Object{{"name", "dave"}}}})),
            nullptr);
}

TEST(EnrichLookup, NoMatchLeavesTheEventUnchanged) {
  auto e = with({table(fixture("users.csv"), "user", "user.name", "user.lookup")});
  ASSERT_TRUE(e) << e.error().message;
  for (const Value& doc :
       {Value(Object{{"user", Object{{"name", "mallory"}}}}),
        Value(Object{{"user", Object{{"name", "Alice"}}}}),  // exact, case-sensitive
        Value(Object{{"user", Object{{"name", "alice "}}}}),
        Value(Object{{"user", Object{{"name", Object{}}}}}),
        Value(Object{{"message", "no user"}})}) {
    EXPECT_EQ(enrich(**e, doc), doc);
  }
}

TEST(EnrichLookup, MergesIntoAnExistingObjectAndNeverOverwritesAScalar) {
  auto e = with({table(fixture("hosts.csv"), "host", "host.name", "host")});
  ASSERT_TRUE(e) << e.error().message;
  const Value db = enrich(**e, Object{{"host", Object{{"name", "db01"}, {"ip", "10.0.0.5"}}}});
  EXPECT_EQ(db, Value(Object{{"host", Object{{"name", "db01"},
                                             {"ip", "10.0.0.5"},
                                             {"criticality", "critical"},
                                             {"owner", "team-data"},
                                             {"zone", "core, PCI"}}}}));
  // hosts.csv starts with a byte-order mark and has no final newline.
  const Value build = enrich(**e, Object{{"host", Object{{"name", "build07"}}}});
  EXPECT_EQ(FieldPath("host.zone").find(build)->as_string(), "ci");
  auto scalar = with({table(fixture("hosts.csv"), "host", "host.name", "asset")});
  ASSERT_TRUE(scalar);
  const Value doc = Object{{"host", Object{{"name", "web01"}}}, {"asset", "do-not-touch"}};
  EXPECT_EQ(enrich(**scalar, doc), doc);
}

TEST(EnrichLookup, IntegerFieldsMatchTheirDecimalForm) {
  const fs::path tmp = testing::make_temp_dir("vigil-enrich");
  std::ofstream(tmp / "ports.csv") << "port,service\n22,ssh\n443,https\n";
  auto e = with({table(tmp / "ports.csv", "port", "destination.port", "destination.service")});
  ASSERT_TRUE(e) << e.error().message;
  const Value out = enrich(**e, Object{{"destination", Object{{"port", 443}}}});
  EXPECT_EQ(FieldPath("destination.service.service").find(out)->as_string(), "https");
  fs::remove_all(tmp);
}

TEST(EnrichLookup, SeveralTablesApplyInOrder) {
  auto e =
      with({table(fixture("users.csv"), "user", "user.name", "user.lookup"),
            table(fixture("users.csv"), "user", "user.lookup.manager", "user.manager_lookup")});
  ASSERT_TRUE(e) << e.error().message;
  const Value out = enrich(**e, Object{{"user", Object{{"name", "dave"}}}});
  EXPECT_EQ(FieldPath("user.manager_lookup.department").find(out)->as_string(), "Finance");
}

struct BrokenCase {
  const char* file;
  const char* key;
  std::string want;  // what follows the file name (the start of it)
};

TEST(EnrichLookup, BrokenTablesAreRefusedWithFileAndLine) {
  const BrokenCase cases[] = {
      {"broken_row.csv", "user", ":5: 3 fields, but the header has 2"},
      {"unterminated_quote.csv", "host", ":3: quoted field is never closed"},
      {"duplicate_key.csv", "user", ":4: key 'alice' repeats the row on line 2"},
      {"stray_quote.csv", "user", ":3: quote inside an unquoted field"},
      {"empty.csv", "user", ":1: empty file"},
      {"users.csv", "username",
       ": key column 'username' is not in the header (user, department, title, manager)"},
      {"no-such-file.csv", "user", ": no such file"},
  };
  for (const BrokenCase& c : cases) {
    auto e = with({table(fixture(c.file), c.key, "user.name", "user.lookup")});
    ASSERT_FALSE(e) << c.file;
    EXPECT_TRUE(e.error().message.starts_with(fixture(c.file).string() + c.want))
        << e.error().message;
  }
}

TEST(EnrichLookup, InvalidUtf8AndIncompleteConfigAreRefused) {
  const fs::path tmp = testing::make_temp_dir("vigil-enrich");
  std::ofstream(tmp / "latin1.csv") << "user,city\nj\xfcrgen,M\xfcnchen\n";
  auto e = with({table(tmp / "latin1.csv", "user", "user.name", "user.lookup")});
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().message, (tmp / "latin1.csv").string() + ":2: field is not valid UTF-8");
  auto incomplete =
      with({LookupTableConfig{"assets", fixture("hosts.csv").string(), "host", "", "host"}});
  ASSERT_FALSE(incomplete);
  EXPECT_EQ(incomplete.error().code, ErrorCode::kConfig);
  EXPECT_NE(incomplete.error().message.find("'match_field' is required"), std::string::npos);
  fs::remove_all(tmp);
}

}  // namespace
}  // namespace vigil
