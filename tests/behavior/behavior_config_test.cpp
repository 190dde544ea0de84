// The `behavior:` config section: defaults, overrides, checks.
#include <gtest/gtest.h>

#include "config/config.h"

namespace vigil {
namespace {

TEST(BehaviorConfig, DefaultsLearnUsersForAWeek) {
  auto c = load_config_string("", "v.yaml");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->behavior.enabled);
  EXPECT_EQ(c->behavior.entity, "user");
  EXPECT_EQ(c->behavior.min_days, 7);
  EXPECT_EQ(c->behavior.max_speed_kmh, 1000);
}

TEST(BehaviorConfig, ValuesOverrideDefaults) {
  auto c = load_config_string(
      "behavior:\n  entity: host\n  half_life_days: 14\n  max_speed_kmh: 900\n"
      "  device_fields: [agent.id]\n",
      "v.yaml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->behavior.entity, "host");
  EXPECT_EQ(c->behavior.half_life_days, 14);
  EXPECT_EQ(c->behavior.max_speed_kmh, 900);
  EXPECT_EQ(c->behavior.device_fields, std::vector<std::string>{"agent.id"});
}

TEST(BehaviorConfig, BadValuesAndUnknownKeysAreErrorsWithTheLine) {
  for (const char* yaml : {"behavior:\n  entity: session\n", "behavior:\n  half_life_days: 0\n",
                           "behavior:\n  time_threshold: 1.5\n", "behavior:\n  max_values: 1\n"}) {
    auto c = load_config_string(yaml, "v.yaml");
    ASSERT_FALSE(c) << yaml;
    EXPECT_NE(c.error().message.find("v.yaml:"), std::string::npos) << c.error().message;
    EXPECT_NE(c.error().message.find("behavior."), std::string::npos) << c.error().message;
  }
  auto c = load_config_string("behavior:\n  enabled: true\n  halflife: 3\n", "v.yaml");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("v.yaml:3"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("behavior.halflife"), std::string::npos);
}

}  // namespace
}  // namespace vigil
