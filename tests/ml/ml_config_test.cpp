// The `ml:` config section: defaults, overrides, checks with file:line.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "config/config.h"
#include "support/test_data.h"

namespace vigil {
namespace {

TEST(MlConfig, DefaultsAreOnWithAGeneralAndPerTypeModels) {
  auto c = load_config_string("", "v.yaml");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->ml.enabled);
  EXPECT_TRUE(c->ml.per_event_type);
  EXPECT_EQ(c->ml.n_estimators, 50);
  EXPECT_EQ(c->ml.max_samples, 4096);
  EXPECT_EQ(static_cast<uint64_t>(c->ml.max_samples), c->ml.reservoir_size);
  EXPECT_LE(c->ml.min_training_rows, c->ml.reservoir_size);
}

TEST(MlConfig, ValuesOverrideDefaults) {
  auto c = load_config_string(
      "ml:\n  n_estimators: 70\n  contamination: 0.02\n  retrain_interval_s: 30\n"
      "  per_event_type: false\n  query_fields: [q]\n  model_features: [new_device]\n"
      "  severity:\n    critical: 0.9\n",
      "v.yaml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->ml.n_estimators, 70);
  EXPECT_EQ(c->ml.contamination, 0.02);
  EXPECT_EQ(c->ml.retrain_interval_s, 30);
  EXPECT_FALSE(c->ml.per_event_type);
  EXPECT_EQ(c->ml.query_fields, std::vector<std::string>{"q"});
  EXPECT_EQ(c->ml.model_features, std::vector<std::string>{"new_device"});
  EXPECT_EQ(c->ml.severity.critical, 0.9);
  EXPECT_EQ(c->ml.severity.high, MlSeverityThresholds{}.high);
}

TEST(MlConfig, BadValuesAndUnknownKeysAreErrorsWithTheLine) {
  for (const char* yaml :
       {"ml:\n  contamination: 0.7\n", "ml:\n  entity: session\n", "ml:\n  n_estimators: 0\n",
        "ml:\n  min_training_rows: 9000\n  reservoir_size: 100\n",
        "ml:\n  severity:\n    high: 0.5\n"}) {
    auto c = load_config_string(yaml, "v.yaml");
    ASSERT_FALSE(c) << yaml;
    EXPECT_NE(c.error().message.find("v.yaml:"), std::string::npos) << c.error().message;
    EXPECT_NE(c.error().message.find("ml."), std::string::npos) << c.error().message;
  }
  auto c = load_config_string("ml:\n  enabled: true\n  trees: 3\n", "v.yaml");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("v.yaml:3"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("ml.trees"), std::string::npos) << c.error().message;
  auto nested = load_config_string("ml:\n  severity:\n    urgent: 0.9\n", "v.yaml");
  ASSERT_FALSE(nested);
  EXPECT_NE(nested.error().message.find("ml.severity.urgent"), std::string::npos);
}

TEST(MlConfig, ExampleFileSpellsOutTheDefaults) {
  std::ifstream in(testing::source_dir() / "config/vigil.example.yaml");
  ASSERT_TRUE(in);
  std::stringstream text;
  text << in.rdbuf();
  auto c = load_config_string(text.str(), "vigil.example.yaml");
  ASSERT_TRUE(c) << c.error().message;
  const MlConfig defaults;
  EXPECT_EQ(c->ml.n_estimators, defaults.n_estimators);
  EXPECT_EQ(c->ml.contamination, defaults.contamination);
  EXPECT_EQ(c->ml.reservoir_size, defaults.reservoir_size);
  EXPECT_EQ(c->ml.min_training_rows, defaults.min_training_rows);
  EXPECT_EQ(c->ml.retrain_interval_s, defaults.retrain_interval_s);
  EXPECT_EQ(c->ml.severity.critical, defaults.severity.critical);
  EXPECT_EQ(c->ml.query_fields, defaults.query_fields);
  EXPECT_EQ(c->ml.max_samples, defaults.max_samples);
  EXPECT_EQ(c->ml.model_features, defaults.model_features);
}

}  // namespace
}  // namespace vigil
