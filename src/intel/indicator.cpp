#include "intel/indicator.h"

#include <array>

#include "core/strings.h"

namespace vigil::intel {
namespace {

constexpr std::array<std::string_view, kIndicatorTypeCount> kNames = {
    "ipv4", "ipv6", "cidr", "domain", "url", "md5", "sha1", "sha256", "sha512", "email"};

}  // namespace

std::string_view to_string(IndicatorType type) {
  return kNames[static_cast<size_t>(type)];
}

std::optional<IndicatorType> parse_indicator_type(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (iequals_ascii(name, kNames[i])) return static_cast<IndicatorType>(i);
  }
  return std::nullopt;
}

bool is_hash(IndicatorType type) {
  return type == IndicatorType::kMd5 || type == IndicatorType::kSha1 ||
         type == IndicatorType::kSha256 || type == IndicatorType::kSha512;
}

}  // namespace vigil::intel
