// vigil's facts about an event, added back to its stored document.
#include "store/document_facts.h"

#include <gtest/gtest.h>

#include "core/timestamp.h"

namespace vigil::store {
namespace {

TEST(DocumentFacts, BecomeTheLastMember) {
  std::string doc = R"({"user":{"name":"alice"},"n":[1,{}]})";
  add_document_facts(doc, {Severity::kHigh, false, Timestamp{1'709'287'200'000'250}});
  EXPECT_EQ(doc, R"({"user":{"name":"alice"},"n":[1,{}],"vigil":{"severity":"high",)"
                 R"("time_source":"event","received":"2024-03-01T10:00:00.000250Z"}})");
}

TEST(DocumentFacts, EmptyDocumentAndReceiveTime) {
  std::string doc = "{}";
  add_document_facts(doc, {Severity::kInfo, true, Timestamp{0}});
  EXPECT_EQ(doc, R"({"vigil":{"severity":"info","time_source":"received",)"
                 R"("received":"1970-01-01T00:00:00.000000Z"}})");
}

}  // namespace
}  // namespace vigil::store
