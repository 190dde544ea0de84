// The built-in Sigma rule pack (rules/vigil/*.yml), compiled into the binary
// so `vigil run` detects on its embedded defaults without locating files.
#pragma once

#include <span>

namespace vigil {

struct BuiltinRuleFile {
  const char* name;  // file name under rules/vigil/
  const char* yaml;
};

std::span<const BuiltinRuleFile> builtin_rule_files();

}  // namespace vigil
