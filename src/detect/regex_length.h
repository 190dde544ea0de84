// A lower bound on the length of any text a regular expression (RE2 syntax)
// can match, read from the pattern alone, so a text too short for it is
// rejected without running the regex: `.{1000,}` (SigmaHQ's long PowerShell
// command line) costs RE2 ~4 M instructions on a 500-byte text it cannot
// match, and 0 with the bound.
#pragma once

#include <cstddef>
#include <string_view>

namespace vigil::sigma {

// Counts characters, never bytes, so the bound holds for any UTF-8 text and
// under case folding (`(?i)K` matches the 3-byte Kelvin sign). A construct
// it does not know makes the bound 0 (no bound), never a wrong one.
size_t regex_min_length(std::string_view pattern);

}  // namespace vigil::sigma
