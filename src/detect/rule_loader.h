// Loads Sigma rules from files, directories (recursively) and YAML text.
// Loading is a pipeline of phases (read -> parse -> compile -> link filters);
// a document that fails is reported with its file, line and the exact reason,
// and every other rule still loads.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "detect/correlation.h"
#include "detect/rule.h"

namespace vigil::sigma {

struct LoadIssue {
  std::string file;
  int line = 0;      // 1-based; 0 when unknown
  std::string rule;  // title or id when known
  std::string reason;
};

struct LoadOptions {
  // Values for `expand` placeholders (`%name%`).
  std::map<std::string, std::vector<std::string>> placeholders;
  // Correlation rule name or id -> override.
  std::map<std::string, CorrelationOverride> correlation_overrides;
};

// Rule text held in memory (the compiled-in pack), loaded beside files.
struct RuleText {
  std::string label;  // reported as the file
  std::string yaml;
};

struct LoadResult {
  std::vector<std::shared_ptr<const Rule>> rules;
  // Correlations whose references all resolve (to rules or correlations).
  std::vector<std::shared_ptr<const Correlation>> correlations;
  std::vector<LoadIssue> errors;
  size_t files = 0;
  size_t documents = 0;
  size_t filters = 0;
};

LoadResult load_rules(const std::vector<std::filesystem::path>& paths,
                      const LoadOptions& options = {});
// Files and in-memory texts as one set: filters, correlation references and
// overrides resolve across all of them.
LoadResult load_rule_sources(const std::vector<std::filesystem::path>& paths,
                             const std::vector<RuleText>& texts, const LoadOptions& options = {});
LoadResult load_rules_from_text(std::string_view yaml, const std::string& file_label,
                                const LoadOptions& options = {});

}  // namespace vigil::sigma
