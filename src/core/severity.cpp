#include "core/severity.h"

#include <array>
#include <string>

#include "core/strings.h"

namespace vigil {

std::string_view to_string(Severity s) {
  static constexpr std::array<std::string_view, kSeverityCount> kNames = {"info", "low", "medium",
                                                                          "high", "critical"};
  return kNames[static_cast<size_t>(s)];
}

std::optional<Severity> parse_severity(std::string_view s) {
  const std::string lower = ascii_lower(s);
  if (lower == "info" || lower == "informational" || lower == "debug" || lower == "notice") {
    return Severity::kInfo;
  }
  if (lower == "low") return Severity::kLow;
  if (lower == "medium" || lower == "moderate" || lower == "warning" || lower == "warn") {
    return Severity::kMedium;
  }
  if (lower == "high" || lower == "error") return Severity::kHigh;
  if (lower == "critical" || lower == "crit" || lower == "alert" || lower == "emergency") {
    return Severity::kCritical;
  }
  return std::nullopt;
}

}  // namespace vigil
