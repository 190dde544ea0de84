// Parses a Sigma condition (`sel and not 1 of filter_*`) into a tree over
// the rule's detection identifiers. Precedence: not > and > or.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "detect/rule.h"

namespace vigil::sigma {

Result<ConditionNode> parse_condition(std::string_view text,
                                      const std::vector<std::string>& identifiers);

}  // namespace vigil::sigma
