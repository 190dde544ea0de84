// The one judgement of a declared regex decoder's pattern, made by the config
// loader (so `check-config` names file and line) and by the decoder it builds.
#pragma once

#include <optional>
#include <string>

namespace vigil {

// Why `pattern` cannot serve a regex decoder ("does not compile: ...", or it has
// no named group to take a field from), or nullopt when it can.
std::optional<std::string> declared_pattern_problem(const std::string& pattern);

}  // namespace vigil
