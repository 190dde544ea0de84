#include "store/document_facts.h"

#include <fmt/format.h>

#include "core/json_writer.h"

namespace vigil::store {

void add_document_facts(std::string& doc, const DocumentFacts& facts) {
  fmt::memory_buffer text;
  JsonObjectWriter meta(text);
  meta.field("severity", to_string(facts.severity));
  meta.field("time_source", facts.time_from_receive ? "received" : "event");
  meta.field("received", format_rfc3339(facts.received));
  meta.close();
  // The object's closing brace moves after the new member.
  if (!doc.empty() && doc.back() == '}') doc.pop_back();
  if (doc.size() > 1) doc += ',';
  doc += R"("vigil":)";
  doc.append(text.data(), text.size());
  doc += '}';
}

}  // namespace vigil::store
