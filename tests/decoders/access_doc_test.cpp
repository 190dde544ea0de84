// The access decoder builds its documents directly (build_access_doc); before,
// it put each field's dotted path into a DocBuilder in the order the fields
// come in the line. Here that order of put()s on a Value (which DocBuilder
// reproduces, doc_builder_test.cpp) is the reference: the same documents,
// member order and value types included, for every line of the real access
// log and for every prefix of lines that exercise each field (so lines cut
// before, inside and after each of them).
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/json_writer.h"
#include "decoders/loghub_structure.h"
#include "ingest/decoders/decoder.h"
#include "ingest/decoders/record.h"
#include "ingest/decoders/text_cursor.h"
#include "ingest/decoders/web_log.h"
#include "support/test_data.h"

namespace vigil::decode {
namespace {

constexpr Timestamp kReceived{1'764'000'000'000'000};

// The fields put one by one in the order the decoder met them in the line.
Value by_dotted_puts(const AccessLine& a, std::string_view problem, std::string_view line) {
  Value doc{Object{}};
  put(doc, "event.category", Value("web"));
  put(doc, "event.type", Value("access"));
  put(doc, "event.action", Value("http_request"));
  put(doc, looks_like_ip(a.client) ? "source.ip" : "source.domain", Value(a.client));
  if (a.user) put(doc, "user.name", Value(*a.user));
  if (a.request) {
    put(doc, "http.request.original", Value(*a.request));
    const RequestParts& r = a.request_parts;
    if (r.split) {
      put(doc, "http.request.method", Value(r.method));
      put(doc, "url.original", Value(r.target));
      put(doc, "url.path", Value(r.path));
      if (!r.query.empty()) put(doc, "url.query", Value(r.query));
      put(doc, "url.decoded", Value(r.decoded));
      if (r.version) put(doc, "http.version", Value(*r.version));
    }
  }
  if (a.status) {
    put(doc, "http.response.status_code", Value(*a.status));
    put(doc, "event.outcome", Value(*a.status < 400 ? "success" : "failure"));
  }
  if (a.bytes) put(doc, "http.response.body.bytes", Value(*a.bytes));
  if (a.referrer) put(doc, "http.request.referrer", Value(*a.referrer));
  if (a.agent) put(doc, "user_agent.original", Value(*a.agent));
  if (!problem.empty()) {
    put(doc, "event.original", Value(line));
    put(doc, "error.type", Value("parse_error"));
    put(doc, "error.message", Value(problem));
  }
  return doc;
}

// Parses `line` afresh and compares both documents; false when it is not an
// access line at all (no document).
bool expect_same_document(std::string_view line, const Value* decoded = nullptr) {
  ClfTimeReader times;
  AccessCopies copies;
  AccessLine fields;
  const WebLine w = parse_access_line(line, times, copies, fields);
  if (!w.anything) return false;
  const Value expected = by_dotted_puts(fields, w.problem, line);
  Value built;
  build_access_doc(fields, w.problem, line, built);
  EXPECT_EQ(built, expected) << line << "\n" << to_json(built) << "\n" << to_json(expected);
  if (decoded != nullptr) {
    EXPECT_EQ(*decoded, expected) << line;
  }
  return true;
}

TEST(AccessDoc, EveryLineOfTheRealLogAsByDottedPuts) {
  VIGIL_REQUIRE_DATA(file, "logs/elastic-apache-access/apache_logs");
  const std::string text = testing::read_file(file);
  auto decoder = make_decoder("access", DecoderCatalog{});
  ASSERT_TRUE(decoder.has_value());
  DecodeResult out;
  (*decoder)->decode(text, 1, kReceived, out);
  std::vector<std::string> lines;
  for (const auto& l : testing::read_lines(file)) {
    if (!l.empty()) lines.push_back(l);
  }
  ASSERT_EQ(out.events.size(), lines.size());
  size_t flagged = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    ASSERT_TRUE(expect_same_document(lines[i], &out.events[i].doc)) << lines[i];
    if (out.events[i].doc.find("error") != nullptr) ++flagged;
  }
  EXPECT_EQ(flagged, out.flagged);
  EXPECT_GT(flagged, 0u);  // the sample's cut line
}

TEST(AccessDoc, EveryPrefixOfLinesWithEachFieldAsByDottedPuts) {
  const std::vector<std::string> lines = {
      "1.2.3.4 - bob [10/Oct/2000:13:55:36 -0700] \"GET /a%2520b/..%252f?q=1+union%20x#f "
      "HTTP/1.1\" 404 - \"-\" \"curl/8\" 0.003",
      "host.example.com - - [10/Oct/2000:13:55:37 +0000] \"POST /say?q=\\\"hi\\\" HTTP/1.0\" "
      "200 12 \"http://r/\\\"x\\\"\" \"UA \\\\ q\"",
      "2001:db8::1 - - [10/Oct/2000:13:55:37 +0000] \"GET ?only=query FTP/1\" 302 0 \"\" \"\"",
      "5.6.7.8 - - [10/Oct/2000:13:55:37 +0000] \"\\x16\\x03\\x01\" 400 226",
      "- - - [10/Oct/2000:13:55:37] \"-\" 408 abc",
  };
  size_t documents = 0, closed_times = 0;
  for (const auto& line : lines) {
    for (size_t n = 1; n <= line.size(); ++n) {
      documents += expect_same_document(std::string_view(line).substr(0, n)) ? 1 : 0;
    }
    closed_times += line.size() - line.find(']');  // the prefixes with the whole time
  }
  EXPECT_EQ(documents, closed_times);  // each of those is a document, flagged or not
}

}  // namespace
}  // namespace vigil::decode
