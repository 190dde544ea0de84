// Helpers for Sigma unit tests: one rule from YAML text, evaluated on events
// written as JSON, through a minimal mapping (rule fields = event paths).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>

#include "detect/event_file.h"
#include "detect/sigma.h"
#include "support/detect_stages.h"

namespace vigil::sigma::testing {

inline FieldMapping paths_mapping() {
  auto m = FieldMapping::parse("name: test\nfields: {style: paths}\n", ".");
  EXPECT_TRUE(m.has_value()) << (m ? "" : m.error().message);
  return std::move(*m);
}

inline Value event(std::string_view json) {
  auto events = parse_events(json);
  EXPECT_TRUE(events.has_value()) << (events ? "" : events.error().message);
  EXPECT_EQ(events->size(), 1u);
  return std::move(events->front());
}

using vigil::testing::CollectingSink;

// A compiled single-rule set; the detection block is indented YAML.
class OneRule {
 public:
  explicit OneRule(const std::string& detection, const LoadOptions& options = {}) {
    const std::string yaml =
        "title: t\nid: test-rule\nlogsource: {product: test}\ndetection:\n" + detection;
    auto loaded = load_rules_from_text(yaml, "inline.yml", options);
    for (const auto& e : loaded.errors) error_ += e.reason;
    std::vector<FieldMapping> mappings;
    mappings.push_back(paths_mapping());
    set_ = std::make_unique<RuleSet>(std::move(loaded.rules), std::move(mappings));
  }
  bool loaded() const { return error_.empty() && set_->rule_count() == 1; }
  const std::string& error() const { return error_; }
  bool fires(std::string_view json) const {
    EXPECT_TRUE(loaded()) << error_;
    return !set_->match(event(json)).empty();
  }

 private:
  std::string error_;
  std::unique_ptr<RuleSet> set_;
};

// The load error for a rule whose detection is invalid ("" when it loads).
inline std::string load_error(const std::string& detection) {
  return OneRule(detection).error();
}

}  // namespace vigil::sigma::testing
