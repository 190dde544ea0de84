#include "behavior/entity_baseline.h"

#include <algorithm>
#include <cmath>

namespace vigil::behavior {
namespace {

// Rescaling every weight costs one pass over the baseline: do it at most
// once per hour of event time; finer steps change nothing a threshold sees.
constexpr int64_t kDecayStepS = 3600;

}  // namespace

double VolumeStats::stddev() const {
  if (weight <= 0) return 0;
  const double m = mean();
  return std::sqrt(std::max(0.0, sum_sq / weight - m * m));
}

void EntityBaseline::decay_to(int64_t time_s, double half_life_s) {
  if (decay_ref_s == 0) {
    decay_ref_s = time_s;
    return;
  }
  if (time_s - decay_ref_s < kDecayStepS) return;
  const double f = std::exp2(-static_cast<double>(time_s - decay_ref_s) / half_life_s);
  weight *= f;
  hours.scale(f);
  for (DecayedCounts* c :
       {&countries, &cities, &asns, &networks, &resources, &devices, &event_types}) {
    c->scale(f);
  }
  volume.weight *= f;
  volume.sum *= f;
  volume.sum_sq *= f;
  decay_ref_s = time_s;
}

void EntityBaseline::learn(const Observation& o, const BaselineLimits& limits) {
  decay_to(o.time_s, limits.half_life_s);
  // A late event (older than the decay reference) counts for its age.
  const double w =
      o.time_s >= decay_ref_s
          ? 1.0
          : std::exp2(-static_cast<double>(decay_ref_s - o.time_s) / limits.half_life_s);
  if (events == 0) first_seen_s = o.time_s;
  first_seen_s = std::min(first_seen_s, o.time_s);
  last_seen_s = std::max(last_seen_s, o.time_s);
  ++events;
  weight += w;
  float& hour = hours[static_cast<size_t>(o.hour_of_week)];
  hour = static_cast<float>(hour + w);
  const size_t cap = limits.max_values;
  if (!o.event_type.empty()) event_types.add(o.event_type, w, o.time_s, cap);
  if (!o.resource.empty()) resources.add(o.resource, w, o.time_s, cap);
  if (!o.device.empty()) devices.add(o.device, w, o.time_s, cap);
  if (!o.country.empty()) countries.add(o.country, w, o.time_s, cap);
  if (!o.city.empty()) cities.add(o.city, w, o.time_s, cap);
  if (!o.asn.empty()) asns.add(o.asn, w, o.time_s, cap);
  if (!o.network.empty()) networks.add(o.network, w, o.time_s, cap);
  if (o.bytes) {
    const double x = std::log1p(std::max(0.0, *o.bytes));
    volume.weight += w;
    volume.sum += w * x;
    volume.sum_sq += w * x * x;
    ++volume.samples;
  }
  if (o.point && (!last_sighting || o.time_s >= last_sighting->time_s)) {
    last_sighting = LastSighting{o.time_s, *o.point, o.city.empty() ? o.place() : o.city};
  }
}

void EntityBaseline::prefetch() const {
  prefetch_lines(this, sizeof(*this));
  for (const DecayedCounts* counts :
       {&countries, &cities, &asns, &networks, &resources, &devices, &event_types}) {
    counts->prefetch();
  }
}

void EntityBaseline::record_score(RecentScore s) {
  if (recent.size() >= kRecentScores) recent.erase(recent.begin());
  recent.push_back(std::move(s));
}

double EntityBaseline::hour_probability(int how) const {
  // hours[] by hour of the day and day, without a division per access.
  const auto hour = static_cast<size_t>(how % 24), day = static_cast<size_t>(how / 24);
  const float* here = hours.days_at(hour);
  const auto next_day = [](size_t d) { return d == 6 ? size_t{0} : d + 1; };
  const auto previous_day = [](size_t d) { return d == 0 ? size_t{6} : d - 1; };
  // how - 1 and how + 1, across midnight (and Sunday to Monday) as needed.
  const float before =
      hour > 0 ? hours.days_at(hour - 1)[day] : hours.days_at(23)[previous_day(day)];
  const float after = hour < 23 ? hours.days_at(hour + 1)[day] : hours.days_at(0)[next_day(day)];
  double same_hour_other_days = 0;  // how + 24 d for d = 1..6, in that order
  for (size_t d = 1, other = next_day(day); d < 7; ++d, other = next_day(other))
    same_hour_other_days += here[other];
  constexpr double kPrior = 1.0;  // one event's worth, spread over the week
  // Each event contributes 1 (own hour) + 2 x 0.5 (as a neighbour) + 6 x 1/12
  // (to the same hour of the other days) = 2.5 to the sum over all hours.
  const double mass = here[day] + 0.5 * (before + after) + same_hour_other_days / 12;
  return (mass + kPrior / 168) / (2.5 * weight + kPrior);
}

}  // namespace vigil::behavior
