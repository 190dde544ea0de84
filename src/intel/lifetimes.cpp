#include "intel/lifetimes.h"

#include <fmt/format.h>

#include "core/strings.h"

namespace vigil::intel {
namespace {

constexpr int64_t kDay = 86'400;

}  // namespace

Lifetimes::Lifetimes() {
  for (int i = 0; i < kIndicatorTypeCount; ++i) {
    const auto type = static_cast<IndicatorType>(i);
    int64_t days = 365;
    if (type == IndicatorType::kIpv4 || type == IndicatorType::kIpv6 ||
        type == IndicatorType::kUrl) {
      days = 30;
    } else if (type == IndicatorType::kCidr) {
      days = 90;
    } else if (type == IndicatorType::kDomain || type == IndicatorType::kEmail) {
      days = 180;
    }
    seconds_[static_cast<size_t>(i)] = days * kDay;
  }
}

Result<int64_t> Lifetimes::parse_duration(std::string_view text) {
  if (auto seconds = parse_duration_seconds(text)) return *seconds;
  return make_error(ErrorCode::kConfig,
                    fmt::format("'{}' is not a duration (e.g. 30d, 12h, 90m, 3600s)", text));
}

}  // namespace vigil::intel
