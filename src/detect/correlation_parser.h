// Turns a `correlation:` YAML document into a Correlation, with errors that
// carry the line of the offending node (semantic 10: `timespan` is an integer
// and a unit; `1.5h` and `30` are rejected).
#pragma once

#include <yaml-cpp/yaml.h>

#include "detect/correlation.h"
#include "detect/rule_parser.h"

namespace vigil::sigma {

tl::expected<Correlation, ParseFailure> parse_correlation(const YAML::Node& doc);

// Parses a condition map (`gte: 5`, `gt: 1` + `lte: 9`, `field: x`) into
// `c`; used for rule documents and for configured overrides.
tl::expected<void, ParseFailure> parse_correlation_condition(const YAML::Node& cond,
                                                             Correlation& c);

}  // namespace vigil::sigma

namespace vigil::sigma {

// The link phase of loading: applies configured overrides, then keeps each
// correlation whose references all resolve (by id or name) to a loaded rule or
// to another kept correlation, without cycles; the others become errors.
void link_correlations(std::vector<Correlation> correlations, const LoadOptions& options,
                       LoadResult& result);

}  // namespace vigil::sigma
