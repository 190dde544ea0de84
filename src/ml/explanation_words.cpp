#include "ml/explanation_words.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace vigil::ml {
namespace {

// Cyclic pairs are one thing to a reader: report them under their first name.
// So is a jump faster than plausible travel and the distance it lands the
// entity from its usual places: one move seen from two sides, which the trees
// credit to whichever they happened to split on first. When the speed is
// beyond plausible the distance's share is reported with the travel (the
// words name both distances); a far place reached at a plausible speed stays
// a distance.
uint32_t merged(uint32_t f, const FeatureRow& row) {
  if (f == kHourCos) return kHourSin;
  if (f == kWeekCos) return kWeekSin;
  if (f == kGeoDistance && row[kTravelSpeed] > 0) return kTravelSpeed;
  return f;
}

std::string time_of_day(int64_t t) {
  const int64_t s = ((t % 86400) + 86400) % 86400;
  return fmt::format("{:02}:{:02} UTC", s / 3600, s % 3600 / 60);
}

std::string day_of_week(int64_t t) {
  static constexpr std::array<const char*, 7> kDays = {
      "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
  return kDays[static_cast<size_t>(behavior::hour_of_week(t) / 24)];
}

std::string duration_words(double hours) {
  if (hours < 1) return fmt::format("{:.0f} minutes", hours * 60);
  if (hours < 48) return fmt::format("{:.1f} hours", hours);
  return fmt::format("{:.0f} days", hours / 24);
}

std::string words_for(uint32_t f, const FeatureRow& row, const EventFacts& facts,
                      const HistoryView& h, std::string_view who) {
  const behavior::Observation& o = facts.observation;
  switch (f) {
    case kHourSin:
      return fmt::format("at {} (time of day)", time_of_day(o.time_s));
    case kWeekSin:
      return fmt::format("on a {} (day of week)", day_of_week(o.time_s));
    case kHourRarity:
      return h.hour_share
                 ? fmt::format("at {}, an hour of day with {:.0f}% of this {}'s past events",
                               time_of_day(o.time_s), 100 * *h.hour_share, who)
                 : fmt::format("at {}", time_of_day(o.time_s));
    case kDataVolume:
      return fmt::format("data volume {}", format_kb(o.bytes.value_or(0) / 1024.0));
    case kVolumeVsUsual: {
      const double kb = o.bytes.value_or(0) / 1024.0;
      if (!h.usual_kb || *h.usual_kb <= 0)
        return fmt::format("data volume {} (no usual volume for this {} yet)", format_kb(kb), who);
      const double ratio = kb / *h.usual_kb;
      if (ratio >= 1)
        return fmt::format("data volume {} is {:.0f}x this {}'s usual {}", format_kb(kb), ratio,
                           who, format_kb(*h.usual_kb));
      return fmt::format("data volume {} is 1/{:.0f} of this {}'s usual {}", format_kb(kb),
                         1 / std::max(ratio, 1e-9), who, format_kb(*h.usual_kb));
    }
    case kResourceCount:
      return fmt::format("{} resources in one event", facts.resource_hashes.size());
    case kEventRate:
      return fmt::format("{:.1f} events/hour from this {} recently", h.rate_per_hour, who);
    case kFailureRatio:
      return fmt::format("{:.0f}% of this {}'s recent events failed", 100 * h.failure_ratio, who);
    case kNewIp:
      return row[kNewIp] > 0 ? fmt::format("a source IP never seen for this {}", who)
                             : fmt::format("a source IP this {} used before", who);
    case kNewResource:
      return row[kNewResource] > 0 ? fmt::format("a resource this {} never accessed", who)
                                   : fmt::format("a resource this {} accessed before", who);
    case kNewPlace:
      if (row[kNewPlace] <= 0) return fmt::format("a place this {} was seen in before", who);
      return o.country.empty()
                 ? fmt::format("first event from this network for this {}", who)
                 : fmt::format("first event from country {} for this {}", o.country, who);
    case kQueryLength:
      return fmt::format("database query of {} characters",
                         facts.query ? facts.query->size() : size_t{0});
    case kQueryEntropy:
      return fmt::format("query character entropy {:.1f} bits", row[kQueryEntropy]);
    case kGeoDistance:
      return h.nearest_km
                 ? fmt::format("{:.0f} km from this {}'s usual locations", *h.nearest_km, who)
                 : fmt::format("no location for this {}", who);
    case kTravelSpeed:
      if (!h.travel) return fmt::format("no earlier location for this {}", who);
      return fmt::format(
          "{:.0f} km from this {}'s last location {} later: {:.0f} km/h (plausible: {:.0f}){}",
          h.travel->km, who, duration_words(h.travel->hours), h.travel->kmh,
          h.travel->plausible_kmh,
          h.nearest_km && row[kGeoDistance] > 0
              ? fmt::format(", {:.0f} km from its usual locations", *h.nearest_km)
              : std::string());
    case kNewDevice:
      if (row[kNewDevice] <= 0) return fmt::format("a device this {} used before", who);
      // Ids are hashed ("d:..."); families ("Edge/Windows") name no one.
      return o.device.rfind("d:", 0) == 0
                 ? fmt::format("a device id never seen for this {}", who)
                 : fmt::format("a device ({}) this {} never used", o.device, who);
    default:
      return feature_names()[f];
  }
}

}  // namespace

std::string format_kb(double kb) {
  if (kb >= 1024 * 1024) return fmt::format("{:.1f} GB", kb / (1024 * 1024));
  if (kb >= 1024) return fmt::format("{:.1f} MB", kb / 1024);
  if (kb >= 1) return fmt::format("{:.0f} KB", kb);
  return fmt::format("{:.0f} bytes", kb * 1024);
}

std::vector<Driver> drivers(const anomaly::Explanation& e, const FeatureRow& row,
                            const EventFacts& facts, const HistoryView& history,
                            std::string_view entity_word, size_t top) {
  // Shares of what pushed towards "anomalous": features that pulled the
  // other way make the net shortfall smaller than its parts.
  double total = 0;
  for (const auto& c : e.contributions) total += std::max(0.0, c.shortfall);
  std::array<double, kFeatureCount> share{};
  for (const auto& c : e.contributions)
    if (c.feature < kFeatureCount && c.shortfall > 0)
      share[merged(c.feature, row)] += c.shortfall / total;
  std::vector<uint32_t> order;
  for (uint32_t f = 0; f < kFeatureCount; ++f)
    if (share[f] > 0) order.push_back(f);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return share[a] > share[b]; });
  std::vector<Driver> out;
  for (const uint32_t f : order) {
    if (out.size() == top) break;
    out.push_back(
        Driver{feature_names()[f], share[f], words_for(f, row, facts, history, entity_word)});
  }
  return out;
}

std::string join_drivers(const std::vector<Driver>& drivers) {
  std::string text;
  for (const Driver& d : drivers) {
    if (!text.empty()) text += "; ";
    text += fmt::format("{} ({:.0f}%)", d.words, 100 * d.share);
  }
  return text;
}

}  // namespace vigil::ml
