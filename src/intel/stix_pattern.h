// STIX 2.1 patterning: a parser for the whole grammar (observation
// expressions joined by AND/OR/FOLLOWEDBY, WITHIN/REPEATS/START-STOP
// qualifiers, every comparison operator and literal kind), yielding the flat
// list of comparisons. What of it can become indicators is decided by
// stix_translate.h; parsing the full grammar lets vigil tell "valid but not
// translatable" from "broken".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace vigil::intel {

struct StixComparison {
  std::string object_type;          // "ipv4-addr"
  std::string property;             // "value", "hashes.SHA-256", "resolves_to_refs[*].value"
  std::string op;                   // "=", "!=", "IN", "MATCHES", "LIKE", ">", "EXISTS", ...
  bool negated = false;             // NOT before the operator
  std::vector<std::string> values;  // string literals unquoted; other literals as written
};

struct StixPattern {
  std::vector<StixComparison> comparisons;
  bool has_qualifiers_or_sequences = false;  // WITHIN, REPEATS, START/STOP, FOLLOWEDBY
};

Result<StixPattern> parse_stix_pattern(std::string_view pattern);

}  // namespace vigil::intel
