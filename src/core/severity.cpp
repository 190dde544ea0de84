#include "core/severity.h"

#include <array>

#include "core/strings.h"

namespace vigil {

std::string_view to_string(Severity s) {
  static constexpr std::array<std::string_view, kSeverityCount> kNames = {"info", "low", "medium",
                                                                          "high", "critical"};
  return kNames[static_cast<size_t>(s)];
}

// Compared without lower-casing into a new string: every event's severity is
// parsed, and the copy cost more than the compares.
std::optional<Severity> parse_severity(std::string_view s) {
  struct Name {
    std::string_view text;
    Severity severity;
  };
  static constexpr std::array<Name, 15> kNames = {{
      {"info", Severity::kInfo},
      {"informational", Severity::kInfo},
      {"debug", Severity::kInfo},
      {"notice", Severity::kInfo},
      {"low", Severity::kLow},
      {"medium", Severity::kMedium},
      {"moderate", Severity::kMedium},
      {"warning", Severity::kMedium},
      {"warn", Severity::kMedium},
      {"high", Severity::kHigh},
      {"error", Severity::kHigh},
      {"critical", Severity::kCritical},
      {"crit", Severity::kCritical},
      {"alert", Severity::kCritical},
      {"emergency", Severity::kCritical},
  }};
  for (const Name& name : kNames) {
    if (iequals_ascii(s, name.text)) return name.severity;
  }
  return std::nullopt;
}

}  // namespace vigil
