// Turns one YAML document into a Rule (or a meta-filter), with errors that
// carry the line of the offending node.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "core/error.h"
#include "detect/correlation.h"
#include "detect/rule.h"
#include "detect/rule_loader.h"

namespace vigil::sigma {

struct ParseFailure {
  int line = 0;
  std::string reason;
};

// A Sigma meta-filter: extra exclusions for the rules it names.
struct Filter {
  RuleMeta meta;
  std::vector<std::string> targets;  // rule ids or names
  Rule body;                         // identifiers + condition to exclude
};

struct ParsedDocument {
  enum class Kind { kRule, kFilter, kCorrelation } kind = Kind::kRule;
  Rule rule;
  Filter filter;
  Correlation correlation;
};

tl::expected<ParsedDocument, ParseFailure> parse_document(const YAML::Node& doc,
                                                          const LoadOptions& options);

// The metadata every document shares (title, id, name, level, tags, ...).
tl::expected<RuleMeta, ParseFailure> parse_rule_meta(const YAML::Node& doc);

// Adds `filter` to `rule` as one more exclusion.
void attach_filter(Rule& rule, const Filter& filter);

}  // namespace vigil::sigma
