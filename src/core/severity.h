// Severity is ordered: comparisons are numeric, never alphabetical (the seed's
// max("low", "high") == "low" bug).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace vigil {

enum class Severity : uint8_t { kInfo = 0, kLow = 1, kMedium = 2, kHigh = 3, kCritical = 4 };
inline constexpr int kSeverityCount = 5;

std::string_view to_string(Severity s);
// Accepts the five names case-insensitively plus common synonyms
// ("informational", "warning", "error", "emergency", ...).
std::optional<Severity> parse_severity(std::string_view s);

}  // namespace vigil
