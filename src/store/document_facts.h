// vigil's own facts about a stored event — its severity, where its time came
// from, when it was received — are columns of its row, not members of its
// stored document: written there they were a tenth of every row (~90 of ~870
// bytes), written and copied four times on the way to disk. Whoever hands a
// document out (a query's results) adds them back under "vigil", the last
// member, exactly as the pipeline used to write them.
#pragma once

#include <string>

#include "core/severity.h"
#include "core/timestamp.h"

namespace vigil::store {

struct DocumentFacts {
  Severity severity = Severity::kInfo;
  bool time_from_receive = false;
  Timestamp received;
};

// Appends `"vigil":{"severity":...,"time_source":...,"received":...}` as the
// last member of `doc`, the text of a JSON object without a "vigil" member.
void add_document_facts(std::string& doc, const DocumentFacts& facts);

}  // namespace vigil::store
