#include "behavior/scorer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace vigil::behavior {
namespace {

constexpr const char* kDays[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                 "Friday", "Saturday", "Sunday"};

std::string describe_hour(int how) {
  return fmt::format("{} {:02}:00-{:02}:00 UTC", kDays[how / 24], how % 24, how % 24 + 1);
}

// The hours of the day (UTC) holding most of the activity, e.g. "08-18".
std::string usual_hours(const EntityBaseline& b) {
  std::array<double, 24> day{};
  for (size_t h = 0; h < 168; ++h) day[h % 24] += b.hours[h];
  const double total = std::max(1e-9, b.weight);
  int first = -1, last = -1;
  for (int h = 0; h < 24; ++h) {
    if (day[static_cast<size_t>(h)] / total >= 0.01) {
      if (first < 0) first = h;
      last = h;
    }
  }
  if (first < 0) return "none yet";
  return fmt::format("{:02}:00-{:02}:00 UTC", first, last + 1);
}

std::string top_values(const DecayedCounts& c, size_t n) {
  std::string out;
  for (const auto& s : c.top(n)) {
    if (!out.empty()) out += ", ";
    out += s.value;
  }
  return out.empty() ? "none" : out;
}

std::string human_bytes(double bytes) {
  static constexpr const char* kUnits[] = {"B", "KB", "MB", "GB", "TB"};
  size_t u = 0;
  while (bytes >= 1024 && u + 1 < std::size(kUnits)) {
    bytes /= 1024;
    ++u;
  }
  return fmt::format("{:.1f} {}", bytes, kUnits[u]);
}

Finding novelty(const char* type, const DecayedCounts& seen, const std::string& value,
                const BehaviorConfig& config, Severity severity, const char* what,
                std::string_view shown = {}) {
  Finding f;
  f.type = type;
  // One lookup: seen() is weight() against a floor.
  if (const double weight = seen.weight(value); weight >= DecayedCounts::kSeenWeight) {
    f.probability = weight / std::max(1.0, seen.total());
    return f;
  }
  f.probability = seen.novelty_probability();
  f.anomalous = f.probability < config.novelty_threshold;
  f.severity = severity;
  if (!f.anomalous) return f;  // words cost: only for alerts
  // Hashed values (resources, device ids) mean nothing to a reader: count them.
  const bool hashed = !shown.empty();
  f.explanation =
      fmt::format("first {} {} for this entity ({}: {}); chance of a new one estimated at {:.3f}",
                  what, hashed ? shown : std::string_view(value), hashed ? "known before" : "usual",
                  hashed ? fmt::format("{}", seen.size()) : top_values(seen, 3), f.probability);
  return f;
}

void check_time(const Observation& o, const EntityBaseline& b, const BehaviorConfig& config,
                std::vector<Finding>& out) {
  Finding f;
  f.type = kUnusualAccessTime;
  f.probability = b.hour_probability(o.hour_of_week);
  f.anomalous = f.probability < config.time_threshold;
  f.severity = Severity::kLow;
  if (f.anomalous)
    f.explanation = fmt::format(
        "active {}, an hour this entity is almost never active in (probability {:.5f}; usual "
        "hours {})",
        describe_hour(o.hour_of_week), f.probability, usual_hours(b));
  out.push_back(std::move(f));
}

void check_travel(const Observation& o, const EntityBaseline& b, const BehaviorConfig& config,
                  std::vector<Finding>& out) {
  if (!o.point || !b.last_sighting) return;
  const LastSighting& last = *b.last_sighting;
  const double km = distance_km(last.point, *o.point);
  if (km < config.min_travel_km) return;
  const double hours = std::abs(static_cast<double>(o.time_s - last.time_s)) / 3600.0;
  const double speed = hours > 0 ? km / hours : std::numeric_limits<double>::infinity();
  Finding f;
  f.type = kImpossibleTravel;
  f.probability = std::min(1.0, config.max_speed_kmh / speed);
  f.anomalous = speed > config.max_speed_kmh;
  f.severity = Severity::kHigh;
  if (!f.anomalous) {
    out.push_back(std::move(f));
    return;
  }
  const std::string here = o.city.empty() ? o.place() : o.city;
  f.explanation = fmt::format(
      "seen in {} and in {} {:.0f} minutes apart: {:.0f} km, {:.0f} km/h "
      "(limit {:.0f} km/h)",
      here, last.place, hours * 60, km, std::min(speed, 1e9), config.max_speed_kmh);
  out.push_back(std::move(f));
}

void check_volume(const Observation& o, const EntityBaseline& b, const BehaviorConfig& config,
                  std::vector<Finding>& out) {
  if (!o.bytes || b.volume.samples < static_cast<uint64_t>(config.volume_min_samples)) return;
  const double x = std::log1p(*o.bytes);
  const double mean = b.volume.mean();
  // A user who always moves the same amount has no spread: floor it at a
  // factor of ~1.65 so the z-score stays meaningful.
  const double sd = std::max(0.5, b.volume.stddev());
  const double z = (x - mean) / sd;
  const double usual = std::expm1(mean);
  const double ratio = (*o.bytes + 1) / (usual + 1);
  Finding f;
  f.type = kDataVolumeSpike;
  f.probability = 0.5 * std::erfc(z / std::sqrt(2.0));  // one-sided normal tail
  f.anomalous = z > config.volume_z_threshold && ratio >= config.volume_min_ratio;
  f.severity = ratio >= 100 ? Severity::kHigh : Severity::kMedium;
  if (f.anomalous)
    f.explanation = fmt::format(
        "data volume {} is {:.0f}x this entity's usual {} ({:.1f} standard deviations above, "
        "on a log scale)",
        human_bytes(*o.bytes), ratio, human_bytes(usual), z);
  out.push_back(std::move(f));
}

}  // namespace

bool learned(const EntityBaseline& b, const BehaviorConfig& config) {
  return b.events >= static_cast<uint64_t>(config.min_events) &&
         static_cast<double>(b.last_seen_s - b.first_seen_s) >= config.min_days * 86400.0;
}

std::vector<Finding> score(const Observation& o, const EntityBaseline& b,
                           const BehaviorConfig& config) {
  std::vector<Finding> out;
  check_time(o, b, config, out);
  if (!o.country.empty()) {
    out.push_back(
        novelty(kUnusualLocation, b.countries, o.country, config, Severity::kMedium, "country"));
  } else if (!o.network.empty() && b.countries.empty()) {
    // Without GeoIP the network stands in for the place.
    out.push_back(
        novelty(kUnusualLocation, b.networks, o.network, config, Severity::kMedium, "network"));
  }
  check_travel(o, b, config, out);
  if (!o.resource.empty()) {
    out.push_back(novelty(kUnusualResource, b.resources, o.resource, config, Severity::kMedium,
                          "access to resource", o.resource_name));
  }
  if (!o.device.empty()) {
    const bool device_id = o.device.starts_with("d:");
    out.push_back(novelty(kNewDevice, b.devices, o.device, config, Severity::kLow, "device",
                          device_id ? std::string_view("(by device id)") : std::string_view()));
  }
  check_volume(o, b, config, out);
  return out;
}

}  // namespace vigil::behavior
