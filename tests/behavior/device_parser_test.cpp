// User agents become browser and OS families through uap-core's regexes:
// a version bump is the same device, another browser or OS is not.
#include "behavior/device_parser.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace vigil::behavior {
namespace {

constexpr const char* kRegexes = "/usr/share/uap-core/regexes.yaml";

std::unique_ptr<DeviceParser> load_or_skip() {
  if (!std::filesystem::exists(kRegexes)) return nullptr;
  auto p = DeviceParser::load(kRegexes);
  EXPECT_TRUE(p) << p.error().message;
  return p ? std::move(*p) : nullptr;
}

TEST(DeviceParser, FamiliesIgnoreVersions) {
  auto parser = load_or_skip();
  if (!parser) GTEST_SKIP() << "uap-core is not installed";
  const auto ff119 = parser->parse(
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:119.0) Gecko/20100101 Firefox/119.0");
  const auto ff120 = parser->parse(
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0");
  EXPECT_EQ(ff119.browser, "Firefox");
  EXPECT_EQ(ff119.os, "Windows");
  EXPECT_EQ(ff119.label(), ff120.label());

  const auto chrome_mac = parser->parse(
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/119.0.0.0 Safari/537.36");
  EXPECT_EQ(chrome_mac.browser, "Chrome");
  EXPECT_EQ(chrome_mac.os, "Mac OS X");
  EXPECT_NE(chrome_mac.label(), ff119.label());

  const auto iphone = parser->parse(
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
      "Gecko) Version/17.1 Mobile/15E148 Safari/604.1");
  EXPECT_EQ(iphone.browser, "Mobile Safari");
  EXPECT_EQ(iphone.os, "iOS");

  EXPECT_EQ(parser->parse("curl/8.4.0").browser, "curl");
  EXPECT_EQ(parser->parse("").label(), "Other/Other");
}

TEST(DeviceParser, MissingOrBrokenFileIsAConfigError) {
  auto missing = DeviceParser::load("/nonexistent/regexes.yaml");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("/nonexistent/regexes.yaml"), std::string::npos);
  const auto bad = std::filesystem::temp_directory_path() / "vigil-bad-uap.yaml";
  {
    std::FILE* f = std::fopen(bad.c_str(), "w");
    std::fputs("user_agent_parsers:\n  - regex: 'ok'\n  - family_replacement: x\n", f);
    std::fclose(f);
  }
  auto broken = DeviceParser::load(bad.string());
  std::filesystem::remove(bad);
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().message.find(":3:"), std::string::npos) << broken.error().message;
}

}  // namespace
}  // namespace vigil::behavior
