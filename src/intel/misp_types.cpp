#include "intel/misp_types.h"

#include <array>
#include <utility>

namespace vigil::intel {
namespace {

using Type = std::optional<IndicatorType>;

// Single-valued MISP types. "ip" entries infer IPv4, IPv6 or CIDR from the value.
constexpr std::array<std::pair<std::string_view, IndicatorType>, 14> kSingle = {{
    {"domain", IndicatorType::kDomain},
    {"hostname", IndicatorType::kDomain},
    {"url", IndicatorType::kUrl},
    {"md5", IndicatorType::kMd5},
    {"sha1", IndicatorType::kSha1},
    {"sha256", IndicatorType::kSha256},
    {"sha512", IndicatorType::kSha512},
    {"email", IndicatorType::kEmail},
    {"email-src", IndicatorType::kEmail},
    {"email-dst", IndicatorType::kEmail},
    {"email-reply-to", IndicatorType::kEmail},
    {"whois-registrant-email", IndicatorType::kEmail},
    {"ip-src", IndicatorType::kCidr},
    {"ip-dst", IndicatorType::kCidr},
}};

Type single_type(std::string_view t) {
  for (const auto& [name, type] : kSingle) {
    if (name == t) return type == IndicatorType::kCidr ? Type{} : Type{type};
  }
  return std::nullopt;
}

bool is_single(std::string_view t) {
  for (const auto& [name, type] : kSingle) {
    if (name == t) return true;
  }
  return false;
}

// MISP writes URLs without a scheme as often as with one.
std::string url_with_scheme(std::string_view v) {
  return v.find("://") == std::string_view::npos ? "http://" + std::string(v) : std::string(v);
}

MispPart part(std::string_view misp_type, std::string_view value) {
  const Type type = single_type(misp_type);
  if (type == IndicatorType::kUrl) return {url_with_scheme(value), type};
  return {std::string(value), type};
}

}  // namespace

std::vector<MispPart> misp_indicator_parts(std::string_view misp_type, std::string_view value) {
  const size_t bar = misp_type.find('|');
  if (bar == std::string_view::npos) {
    if (!is_single(misp_type)) return {};
    return {part(misp_type, value)};
  }
  const size_t vbar = value.find('|');
  if (vbar == std::string_view::npos) return {};
  const std::string_view left_type = misp_type.substr(0, bar),
                         right_type = misp_type.substr(bar + 1);
  const std::string_view left = value.substr(0, vbar), right = value.substr(vbar + 1);
  std::vector<MispPart> out;
  if (is_single(left_type)) out.push_back(part(left_type, left));     // domain|ip, ip-dst|port
  if (is_single(right_type)) out.push_back(part(right_type, right));  // filename|md5
  return out;
}

}  // namespace vigil::intel
