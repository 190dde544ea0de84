#include "config/declared_pattern.h"

#include <re2/re2.h>

namespace vigil {

std::optional<std::string> declared_pattern_problem(const std::string& pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  const RE2 re(pattern, options);
  if (!re.ok()) return "does not compile: " + re.error();
  if (re.NamedCapturingGroups().empty()) {
    return std::string("has no named group (?P<name>...) to take a field from");
  }
  return std::nullopt;
}

}  // namespace vigil
