#include "intel/normalize.h"

#include <gtest/gtest.h>

#include "intel/url_normalizer.h"

namespace vigil::intel {
namespace {

std::string norm(std::string_view raw, std::optional<IndicatorType> type = std::nullopt) {
  auto v = normalize_indicator(raw, type);
  return v ? v->value : "ERROR: " + v.error().message;
}

TEST(Normalize, InfersEveryType) {
  EXPECT_EQ(infer_type("1.2.3.4"), IndicatorType::kIpv4);
  EXPECT_EQ(infer_type("2001:DB8::1"), IndicatorType::kIpv6);
  EXPECT_EQ(infer_type("10.0.0.0/8"), IndicatorType::kCidr);
  EXPECT_EQ(infer_type("2a02:cf40::/32"), IndicatorType::kCidr);
  EXPECT_EQ(infer_type("Evil.Example.COM"), IndicatorType::kDomain);
  EXPECT_EQ(infer_type("http://evil.example/x"), IndicatorType::kUrl);
  EXPECT_EQ(infer_type("Bad@Evil.example"), IndicatorType::kEmail);
  EXPECT_EQ(infer_type(std::string(32, 'a')), IndicatorType::kMd5);
  EXPECT_EQ(infer_type(std::string(40, 'B')), IndicatorType::kSha1);
  EXPECT_EQ(infer_type(std::string(64, '0')), IndicatorType::kSha256);
  EXPECT_EQ(infer_type(std::string(128, 'f')), IndicatorType::kSha512);
  EXPECT_EQ(infer_type("1.2.3"), std::nullopt);
  EXPECT_EQ(infer_type("localhost"), std::nullopt);
  EXPECT_EQ(infer_type("not a value"), std::nullopt);
}

TEST(Normalize, CanonicalForms) {
  EXPECT_EQ(norm("2001:DB8:0:0::1"), "2001:db8::1");
  EXPECT_EQ(norm("::ffff:1.2.3.4"), "1.2.3.4");
  EXPECT_EQ(norm("223.167.5.1/15"), "223.166.0.0/15");  // host bits cleared
  EXPECT_EQ(norm("Evil.Example.COM."), "evil.example.com");
  EXPECT_EQ(norm(std::string(32, 'A')), std::string(32, 'a'));
  EXPECT_EQ(norm("Bad@Evil.Example"), "bad@evil.example");
  EXPECT_EQ(norm("1.2.3.4/32", IndicatorType::kCidr), "1.2.3.4");
  auto sub = normalize_indicator("*.evil.example");
  ASSERT_TRUE(sub);
  EXPECT_TRUE(sub->include_subdomains);
  EXPECT_EQ(sub->value, "evil.example");
  EXPECT_FALSE(normalize_indicator("abcd", IndicatorType::kMd5));
  EXPECT_FALSE(normalize_indicator(std::string(40, 'a'), IndicatorType::kMd5));
}

TEST(UrlNormalizer, SchemeHostPortAndEscapes) {
  EXPECT_EQ(normalize_url("HTTP://Evil.Example:80"), "http://evil.example/");
  EXPECT_EQ(normalize_url("https://EVIL.example:443/A%2fb%7E%41?q=%3d#frag"),
            "https://evil.example/A%2Fb~A?q=%3D");
  EXPECT_EQ(normalize_url("https://evil.example:8443/x"), "https://evil.example:8443/x");
  EXPECT_EQ(normalize_url("http://[2001:DB8::1]:80/p"), "http://[2001:db8::1]/p");
  EXPECT_EQ(normalize_url("http://evil.example?x=1"), "http://evil.example/?x=1");
  EXPECT_EQ(normalize_url("evil.example/x"), std::nullopt);
  EXPECT_EQ(url_host("http://user@Evil.Example:81/x"), "evil.example");
}

}  // namespace
}  // namespace vigil::intel
