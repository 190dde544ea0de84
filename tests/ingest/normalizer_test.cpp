#include "normalize/normalizer.h"

#include <gtest/gtest.h>

#include <random>

#include "core/field_path.h"

namespace vigil {
namespace {

Event event_with(Value doc) {
  Event e;
  e.doc = std::move(doc);
  e.time = Timestamp{1709294400000000};
  return e;
}

TEST(Normalizer, SeedFieldsGetCanonicalNamesAndOriginalsStay) {
  Normalizer n(default_config().normalize);
  Value doc;
  doc.set("event_type", "authentication_failure");
  doc.set("user_id", "alice");
  doc.set("ip_address", "203.0.113.9");
  doc.set("session_id", "s-1");
  doc.set("data_volume_bytes", int64_t{42});
  Event e = event_with(doc);
  n.normalize(e);
  EXPECT_EQ(FieldPath("event.action").find(e.doc)->as_string(), "authentication_failure");
  EXPECT_EQ(FieldPath("user.name").find(e.doc)->as_string(), "alice");
  EXPECT_EQ(FieldPath("source.ip").find(e.doc)->as_string(), "203.0.113.9");
  EXPECT_EQ(FieldPath("session.id").find(e.doc)->as_string(), "s-1");
  EXPECT_EQ(FieldPath("data_volume.bytes").find(e.doc)->as_int(), 42);
  EXPECT_EQ(e.doc.find("user_id")->as_string(), "alice");
  EXPECT_EQ(e.doc.find("@timestamp")->as_string(), "2024-03-01T12:00:00.000000Z");
}

TEST(Normalizer, EcsFieldsAlreadyPresentWin) {
  Normalizer n(default_config().normalize);
  Value doc;
  FieldPath("user.name").set(doc, "bob");
  doc.set("user_id", "alice");
  Event e = event_with(doc);
  n.normalize(e);
  EXPECT_EQ(FieldPath("user.name").find(e.doc)->as_string(), "bob");
}

TEST(Normalizer, ScalarInTheWayIsNotClobbered) {
  Normalizer n(default_config().normalize);
  Value doc;
  doc.set("user", "carol");  // alias source and also the parent of user.name
  Event e = event_with(doc);
  n.normalize(e);
  EXPECT_EQ(e.doc.find("user")->as_string(), "carol");
  EXPECT_EQ(FieldPath("user.name").find(e.doc)->as_string(), "carol");
}

TEST(Normalizer, ConfiguredAliasOrderIsHonoured) {
  NormalizeConfig c;
  c.aliases["user.name"] = {"login", "user_id"};
  Normalizer n(c);
  Value doc;
  doc.set("user_id", "alice");
  doc.set("login", "root");
  Event e = event_with(doc);
  n.normalize(e);
  EXPECT_EQ(FieldPath("user.name").find(e.doc)->as_string(), "root");
}

// Canonical fields that share a parent ("user.name", "user.target.name") land
// in one "user" object, whichever of them creates it; dotted sources are read
// nested or as a flat key, as FieldPath reads them.
TEST(Normalizer, CanonicalFieldsShareTheirParentAndDottedSourcesResolve) {
  NormalizeConfig c;
  c.aliases["user.name"] = {"login"};
  c.aliases["user.target.name"] = {"target.account"};
  c.aliases["host.name"] = {"agent.hostname"};
  Normalizer n(c);
  Value doc;
  doc.set("login", "alice");
  FieldPath("target.account").set(doc, "bob");
  doc.set("agent.hostname", "web-1");  // flat dotted key, as some shippers send
  Event e = event_with(doc);
  n.normalize(e);
  EXPECT_EQ(FieldPath("user.name").find(e.doc)->as_string(), "alice");
  EXPECT_EQ(FieldPath("user.target.name").find(e.doc)->as_string(), "bob");
  EXPECT_EQ(FieldPath("host.name").find(e.doc)->as_string(), "web-1");
  size_t user_objects = 0;
  for (const auto& [key, value] : e.doc.as_object()) user_objects += key == "user" ? 1 : 0;
  EXPECT_EQ(user_objects, 1u);
}

// What normalize() means, spelled out with FieldPath's own find and set: the
// normalizer's per-event index must change nothing of it.
void reference_normalize(const NormalizeConfig& config, Event& e) {
  for (const auto& [canonical, sources] : config.aliases) {
    const FieldPath target(canonical);
    if (target.find(e.doc) != nullptr) continue;
    for (const auto& source : sources) {
      const Value* v = FieldPath(source).find(e.doc);
      if (v == nullptr || v->is_null() || v->is_object()) continue;
      target.set(e.doc, Value(*v));
      break;
    }
  }
  e.doc.set("@timestamp", "2024-03-01T12:00:00.000000Z");
}

// Documents and alias tables over a few names, so that canonical fields
// share parents, meet scalars in their way, exist already (nested or as flat
// dotted keys), and sources repeat, are null or are objects.
TEST(Normalizer, MatchesFieldPathFindAndSetOnRandomDocuments) {
  // `@timestamp` too: the normalizer writes it into every event, replacing one
  // the sender sent.
  const std::vector<std::string> kPaths = {"a",   "b", "a.x",   "a.y", "b.x",       "c.d.e",
                                           "c.d", "c", "a.x.z", "d",   "@timestamp"};
  std::mt19937 rng(11);
  std::uniform_int_distribution<size_t> path(0, kPaths.size() - 1), count(0, 5), kind(0, 4);
  for (int round = 0; round < 2000; ++round) {
    NormalizeConfig config;
    for (size_t i = count(rng) + 1; i > 0; --i) {
      auto& sources = config.aliases[kPaths[path(rng)]];
      for (size_t j = count(rng) + 1; j > 0; --j) sources.push_back(kPaths[path(rng)]);
    }
    Value doc(Object{});
    for (size_t i = count(rng); i > 0; --i) {
      const std::string& p = kPaths[path(rng)];
      Value v = kind(rng) == 0   ? Value(nullptr)
                : kind(rng) == 1 ? Value(Object{{"x", Value("nested")}})
                                 : Value("v" + std::to_string(i));
      if (kind(rng) < 2) {
        doc.as_object().emplace_back(p, std::move(v));  // a flat dotted key, or a repeat
      } else {
        FieldPath(p).set(doc, std::move(v));
      }
    }
    Event got = event_with(doc), want = event_with(doc);
    Normalizer(config).normalize(got);
    reference_normalize(config, want);
    ASSERT_EQ(got.doc, want.doc) << "round " << round;
  }
}

// Past 64 names the normalizer's per-event presence mask has no bit for a
// path, which must then be looked up (not taken as absent).
TEST(Normalizer, MoreNamesThanThePresenceMaskHolds) {
  NormalizeConfig config;
  for (int i = 0; i < 80; ++i) {
    config.aliases["canonical.f" + std::to_string(i)] = {"source_" + std::to_string(i)};
  }
  Value doc(Object{});
  doc.set("canonical.f75", "already there");  // a flat dotted canonical name wins
  for (int i = 0; i < 80; ++i) doc.set("source_" + std::to_string(i), "v" + std::to_string(i));
  Event got = event_with(doc), want = event_with(doc);
  Normalizer(config).normalize(got);
  reference_normalize(config, want);
  EXPECT_EQ(got.doc, want.doc);
  EXPECT_EQ(FieldPath("canonical.f79").find(got.doc)->as_string(), "v79");
  EXPECT_EQ(FieldPath("canonical.f75").find(got.doc)->as_string(), "already there");
}

}  // namespace
}  // namespace vigil
