#include "intel/lifetimes.h"

#include <fmt/format.h>

#include <charconv>

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
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  const std::string_view unit(end, static_cast<size_t>(text.data() + text.size() - end));
  int64_t scale = 0;
  if (unit.empty() || unit == "s") scale = 1;
  if (unit == "m") scale = 60;
  if (unit == "h") scale = 3600;
  if (unit == "d") scale = kDay;
  if (ec != std::errc() || n <= 0 || scale == 0) {
    return make_error(ErrorCode::kConfig,
                      fmt::format("'{}' is not a duration (e.g. 30d, 12h, 90m, 3600s)", text));
  }
  return n * scale;
}

}  // namespace vigil::intel
