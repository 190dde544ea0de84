// DocBuilder (what the text decoders build their documents with) against the
// plain put() on a Value, which it replaces on the hot path: the same
// documents, member order included, for every sequence of paths — also when
// its cache of document shapes holds a different sequence in the same slot.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "core/json_writer.h"
#include "ingest/decoders/record.h"

namespace vigil::decode {
namespace {

using Puts = std::vector<std::pair<std::string, Value>>;

// The reference: the same puts, one by one, on a Value.
std::string by_value(const Puts& puts) {
  Value doc{Object{}};
  for (const auto& [path, v] : puts) put(doc, path, v);
  return to_json(doc);
}

std::string by_builder(DocBuilder& b, const Puts& puts) {
  for (const auto& [path, v] : puts) b.put(path, v);
  return to_json(b.take());
}

TEST(DocBuilder, NestsInFirstPutOrderAndSizesEachObjectOnce) {
  DocBuilder b;
  b.put("event.category", "authentication");
  b.put("user.name", std::string_view("alice"));
  b.put("source.ip", std::string("10.0.0.1"));
  b.put("event.outcome", "failure");
  b.put("source.port", 22);
  b.put("system.auth.ssh.invalid_user", true);
  b.put("pam.more_failures", int64_t{4});
  b.put("tags", Value(Array{Value("a")}));
  const Value doc = b.take();
  EXPECT_EQ(
      to_json(doc),
      R"({"event":{"category":"authentication","outcome":"failure"},"user":{"name":"alice"},)"
      R"("source":{"ip":"10.0.0.1","port":22},"system":{"auth":{"ssh":{"invalid_user":true}}},)"
      R"("pam":{"more_failures":4},"tags":["a"]})");
  // Each object has exactly its members' room: it was allocated once.
  EXPECT_EQ(doc.as_object().capacity(), 6u);
  EXPECT_EQ(doc.find("event")->as_object().capacity(), 2u);
  EXPECT_EQ(to_json(b.take()), "{}");  // empty after take()
}

TEST(DocBuilder, SameDocumentsAsPutOnAValue) {
  const std::vector<Puts> cases = {
      // A later put of the same path replaces the value where it first was.
      {{"a.b", Value("1")}, {"c", Value(2)}, {"a.b", Value("3")}, {"a.d", Value(true)}},
      // A scalar in the way: the field goes under its flat dotted key.
      {{"user", Value("bob")}, {"user.name", Value("alice")}, {"user.name", Value("carol")}},
      // A scalar replacing an object drops the object, as Value::set does.
      {{"x.y", Value(1)}, {"x.z", Value(2)}, {"x", Value("flat")}, {"x.w", Value(3)}},
      // Deep and shallow members interleaved.
      {{"log.syslog.facility.code", Value(4)},
       {"host.hostname", Value("h")},
       {"log.syslog.facility.name", Value("auth")},
       {"log.syslog.version", Value("3164")},
       {"log.level", Value("error")}},
  };
  DocBuilder b;
  for (int round = 0; round < 2; ++round) {  // the second round reads the cached shapes
    for (const auto& c : cases) EXPECT_EQ(by_builder(b, c), by_value(c)) << by_value(c);
  }
}

TEST(DocBuilder, ACachedShapeIsUsedOnlyForTheSamePaths) {
  // Same path sizes and last bytes (so the same slot of the shape cache), other paths;
  // then the same bytes split into other paths.
  const Puts first = {{"a.b", Value(1)}, {"c", Value(2)}};
  const Puts second = {{"x.b", Value(1)}, {"c", Value(2)}};
  const Puts split1 = {{"a.bc", Value(1)}, {"d", Value(2)}};
  const Puts split2 = {{"a.b", Value(1)}, {"cd", Value(2)}};
  DocBuilder b;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(by_builder(b, first), R"({"a":{"b":1},"c":2})");
    EXPECT_EQ(by_builder(b, second), R"({"x":{"b":1},"c":2})");
    EXPECT_EQ(by_builder(b, split1), R"({"a":{"bc":1},"d":2})");
    EXPECT_EQ(by_builder(b, split2), R"({"a":{"b":1},"cd":2})");
  }
}

TEST(DocBuilder, ShapesThatPickTheSameSlotAreBothKept) {
  // Same path sizes and last bytes: the same signature, so the same first slot.
  const Puts first = {{"a.b", Value(1)}, {"c", Value(2)}};
  const Puts second = {{"x.b", Value(1)}, {"c", Value(2)}};
  DocBuilder b;
  for (int i = 0; i < 10; ++i) {
    by_builder(b, first);
    by_builder(b, second);
  }
  EXPECT_EQ(b.shapes_built(), 2u);  // one slot for both: 20
}

TEST(DocBuilder, ManyMoreShapesThanTheCacheHolds) {
  DocBuilder b;
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 1000; ++i) {
      const std::string key = "k" + std::to_string(i);
      const Puts p = {{"event." + key, Value(i)}, {key + ".v", Value("x")}, {"event.z", Value(1)}};
      ASSERT_EQ(by_builder(b, p), by_value(p));
    }
  }
}

TEST(DocBuilder, KeptTextAndClearedFieldsDoNotLeakIntoTheNextEvent) {
  DocBuilder b;
  {
    std::string made = "unescaped \"text\"";
    b.put("http.request.referrer", b.keep(std::move(made)));
  }
  b.put("user_agent.original", b.keep("second"));
  EXPECT_EQ(
      to_json(b.take()),
      R"({"http":{"request":{"referrer":"unescaped \"text\""}},"user_agent":{"original":"second"}})");
  b.put("user.name", "dropped");
  b.clear();
  b.put("user.id", "7");
  EXPECT_EQ(to_json(b.take()), R"({"user":{"id":"7"}})");
}

}  // namespace
}  // namespace vigil::decode
