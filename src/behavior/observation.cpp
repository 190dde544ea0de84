#include "behavior/observation.h"

#include <cmath>
#include <numbers>

namespace vigil::behavior {

double distance_km(GeoPoint a, GeoPoint b) {
  constexpr double kEarthRadiusKm = 6371.0088;
  constexpr double kRad = std::numbers::pi / 180.0;
  const double dlat = (b.lat - a.lat) * kRad;
  const double dlon = (b.lon - a.lon) * kRad;
  const double h =
      std::sin(dlat / 2) * std::sin(dlat / 2) +
      std::cos(a.lat * kRad) * std::cos(b.lat * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(h)));
}

int hour_of_week(int64_t epoch_s) {
  // 1970-01-01 was a Thursday: shift by three days so weeks start on Monday.
  constexpr int64_t kWeek = 7 * 86400;
  const int64_t since_monday = ((epoch_s + 3 * 86400) % kWeek + kWeek) % kWeek;
  return static_cast<int>(since_monday / 3600);
}

}  // namespace vigil::behavior
