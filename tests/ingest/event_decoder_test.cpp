#include "ingest/event_decoder.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>

#include "core/field_path.h"

namespace vigil {
namespace {

class DecoderTest : public ::testing::Test {
 protected:
  DecodeResult decode(std::string_view body, BodyFormat format = BodyFormat::kAuto) {
    DecodeResult r;
    decoder_.decode(body, format, 1, kReceived, r);
    return r;
  }
  IngestConfig config_;
  EventDecoder decoder_{config_};
  static constexpr Timestamp kReceived{1'700'000'000'000'000};
};

TEST_F(DecoderTest, NdjsonKeepsGoodLinesAndNumbersBadOnes) {
  auto r = decode("{\"a\":1}\n{broken\n\n[1,2]\n{\"b\":2}\n", BodyFormat::kNdjson);
  EXPECT_EQ(r.read, 4u);
  ASSERT_EQ(r.events.size(), 2u);
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].line, 2u);
  EXPECT_EQ(r.errors[0].reason, RejectReason::kParseError);
  EXPECT_EQ(r.errors[1].line, 4u);
  EXPECT_EQ(r.errors[1].reason, RejectReason::kNotObject);
  EXPECT_EQ(r.events[1].doc.find("b")->as_int(), 2);
}

TEST_F(DecoderTest, ArrayOfObjectsWithABadElement) {
  auto r = decode("[\n {\"a\":1},\n 42,\n {\"b\":2}\n]");
  ASSERT_EQ(r.events.size(), 2u);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 3u);
  EXPECT_EQ(r.errors[0].reason, RejectReason::kNotObject);
}

TEST_F(DecoderTest, PrettyPrintedSingleObject) {
  auto r = decode("{\n  \"user\": \"alice\",\n  \"n\": 3\n}\n");
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.events[0].doc.find("user")->as_string(), "alice");
}

TEST_F(DecoderTest, InvalidUtf8IsRejectedWithReason) {
  auto r = decode("{\"a\":\"\xff\xfe\"}\n{\"ok\":true}\n", BodyFormat::kNdjson);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].reason, RejectReason::kInvalidUtf8);
  EXPECT_EQ(r.events.size(), 1u);
}

TEST_F(DecoderTest, NestingDeeperThanTheLimitIsRejected) {
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "{\"a\":";
  deep += "1";
  for (int i = 0; i < 40; ++i) deep += "}";
  auto r = decode(deep + "\n{\"fine\":1}\n", BodyFormat::kNdjson);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].reason, RejectReason::kTooDeep);
  EXPECT_EQ(r.events.size(), 1u);
}

TEST_F(DecoderTest, OversizedFieldIsRejected) {
  const std::string big(config_.max_field_bytes + 1, 'x');
  auto r = decode("{\"msg\":\"" + big + "\"}\n", BodyFormat::kNdjson);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].reason, RejectReason::kFieldTooLarge);
}

TEST_F(DecoderTest, TrailingGarbageOnALineIsAnError) {
  auto r = decode("{\"a\":1} {\"b\":2}\n", BodyFormat::kNdjson);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_TRUE(r.events.empty());
}

TEST_F(DecoderTest, TimestampFormats) {
  auto r = decode(
      "{\"timestamp\":\"2024-03-01T14:00:00+02:00\"}\n"
      "{\"timestamp\":1709294400}\n"
      "{\"timestamp\":1709294400000}\n"
      "{\"@timestamp\":\"2024-03-01T12:00:00Z\"}\n"
      "{\"no_time\":1}\n"
      "{\"timestamp\":\"not a time\"}\n"
      "{\"timestamp\":\"1969-12-31T23:59:59Z\"}\n",
      BodyFormat::kNdjson);
  ASSERT_EQ(r.events.size(), 7u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(r.events[i].time.seconds(), 1709294400) << i;
    EXPECT_FALSE(r.events[i].time_from_receive) << i;
  }
  EXPECT_TRUE(r.events[4].time_from_receive);
  EXPECT_EQ(r.events[4].time, kReceived);
  EXPECT_TRUE(r.events[5].time_from_receive);
  EXPECT_TRUE(r.events[6].time_from_receive);  // before the epoch: no day file can hold it
}

TEST_F(DecoderTest, SeverityIsOrderedEnum) {
  auto r = decode("{\"severity\":\"HIGH\"}\n{\"severity\":\"bogus\"}\n", BodyFormat::kNdjson);
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[0].severity, Severity::kHigh);
  EXPECT_EQ(r.events[1].severity, Severity::kInfo);
}

TEST_F(DecoderTest, LineNumbersContinueFromFirstLine) {
  DecodeResult r;
  decoder_.decode("{\"a\":1}\nnope\n", BodyFormat::kNdjson, 101, kReceived, r);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 102u);
}

// A chunk's lines are parsed where they are, with the next lines as the
// parser's padding: what follows a line must never complete it. The chunk sits
// at the end of an exact-size allocation, so that reading past what the caller
// declared readable is an overflow under AddressSanitizer.
TEST_F(DecoderTest, LinesParsedInPlaceNeverReadIntoTheNextLine) {
  const std::string filler(100, ' ');
  const std::string body =
      "{\"a\":1,\n"     // completed by the next line's text
      "\"b\":2}\n"      // not an object
      "{\"s\":\"abc\n"  // an unterminated string
      "def\"}\n"        //
      "{\"n\":12\n"     // a number the next line continues
      "34}\n"           //
      "{\"ok\":\"yes\",\"pad\":\"" +
      filler + "\"}\n";
  const std::string tail = "{\"after\":true}\n" + filler + "\n";
  const size_t size = body.size() + tail.size();
  std::unique_ptr<char[]> chunk(new char[size]);
  std::memcpy(chunk.get(), body.data(), body.size());
  std::memcpy(chunk.get() + body.size(), tail.data(), tail.size());

  DecodeResult in_place;
  decoder_.decode(std::string_view(chunk.get(), body.size()), BodyFormat::kNdjson, 1, kReceived,
                  in_place, tail.size());
  ASSERT_EQ(in_place.events.size(), 1u);
  EXPECT_EQ(in_place.events[0].doc.find("ok")->as_string(), "yes");
  ASSERT_EQ(in_place.errors.size(), 6u);
  for (size_t i = 0; i < 6; ++i) EXPECT_EQ(in_place.errors[i].line, i + 1) << i;

  // The same lines copied (nothing readable after them) decode the same.
  const DecodeResult copied = decode(body, BodyFormat::kNdjson);
  ASSERT_EQ(copied.events.size(), 1u);
  EXPECT_EQ(copied.events[0].doc, in_place.events[0].doc);
  ASSERT_EQ(copied.errors.size(), in_place.errors.size());
  for (size_t i = 0; i < copied.errors.size(); ++i) {
    EXPECT_EQ(copied.errors[i].reason, in_place.errors[i].reason) << i;
    EXPECT_EQ(copied.errors[i].error, in_place.errors[i].error) << i;
  }
}

// Strings with and without escapes, blanks around them, escaped quotes and
// backslashes, strings in arrays and as the last member all come out exact,
// and the values after them are still read; a raw control character or a bad
// escape is an error.
TEST_F(DecoderTest, StringsWithAndWithoutEscapesComeOutExact) {
  auto r = decode(
      "{\"a\" :  \"plain text\"  , \"b\":\"say \\\"hi\\\"\",\"c\":\"back\\\\slash\","
      "\"d\":[\"x\" , \"\",\"y\\u0041\"],\"e\":\"\",\"n\":7,\"z\":\"last\"  }\n",
      BodyFormat::kNdjson);
  ASSERT_EQ(r.events.size(), 1u) << (r.errors.empty() ? "" : r.errors[0].error);
  const Value& doc = r.events[0].doc;
  EXPECT_EQ(doc.find("a")->as_string(), "plain text");
  EXPECT_EQ(doc.find("b")->as_string(), "say \"hi\"");
  EXPECT_EQ(doc.find("c")->as_string(), "back\\slash");
  EXPECT_EQ(*doc.find("d"), Value(Array{Value("x"), Value(""), Value("yA")}));
  EXPECT_EQ(doc.find("e")->as_string(), "");
  EXPECT_EQ(doc.find("n")->as_int(), 7);
  EXPECT_EQ(doc.find("z")->as_string(), "last");
  // An unterminated or badly escaped string is still an error.
  EXPECT_EQ(decode("{\"a\":\"open}\n", BodyFormat::kNdjson).errors.size(), 1u);
  EXPECT_EQ(decode("{\"a\":\"bad \\q\"}\n", BodyFormat::kNdjson).errors.size(), 1u);
  EXPECT_EQ(decode("{\"a\":\"tab\there\"}\n", BodyFormat::kNdjson).errors.size(), 1u);
}

TEST_F(DecoderTest, BigIntegersAndUnicodeEscapesSurvive) {
  auto r =
      decode(R"({"big":123456789012345678901234567890,"u":"caf\u00e9","n":18446744073709551615})"
             "\n",
             BodyFormat::kNdjson);
  ASSERT_EQ(r.events.size(), 1u) << (r.errors.empty() ? "" : r.errors[0].error);
  EXPECT_EQ(r.events[0].doc.find("big")->as_string(), "123456789012345678901234567890");
  EXPECT_EQ(r.events[0].doc.find("u")->as_string(), "caf\xc3\xa9");
  EXPECT_EQ(r.events[0].doc.find("n")->as_uint(), 18446744073709551615ull);
}

TEST_F(DecoderTest, NestedValuesOfEveryKindKeepTheirOrder) {
  auto r =
      decode(R"({"z":{"b":[1,-2,2.5,"s",null,true,false,{"k":[]},[[]]],"a":{}},"e":[],"n":null})"
             "\n",
             BodyFormat::kNdjson);
  ASSERT_EQ(r.events.size(), 1u) << (r.errors.empty() ? "" : r.errors[0].error);
  const Value want(Object{
      {"z", Value(Object{{"b", Value(Array{Value(int64_t{1}), Value(int64_t{-2}), Value(2.5),
                                           Value("s"), Value(nullptr), Value(true), Value(false),
                                           Value(Object{{"k", Value(Array{})}}),
                                           Value(Array{Value(Array{})})})},
                         {"a", Value(Object{})}})},
      {"e", Value(Array{})},
      {"n", Value(nullptr)}});
  EXPECT_EQ(r.events[0].doc, want);
}

}  // namespace
}  // namespace vigil
