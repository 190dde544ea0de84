#include "ml/features.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "behavior/event_fields.h"
#include "core/strings.h"

namespace vigil::ml {
namespace {

BehaviorConfig observation_config(const MlConfig& config, BehaviorConfig observed) {
  observed.entity = config.entity;
  return observed;
}

uint64_t hash_of(std::string_view s) {
  return XXH3_64bits(s.data(), s.size());
}

}  // namespace

std::span<const std::string> feature_names() {
  static const std::array<std::string, kFeatureCount> names = {"hour_sin",
                                                               "hour_cos",
                                                               "week_sin",
                                                               "week_cos",
                                                               "hour_rarity_bits",
                                                               "data_volume_kb_log",
                                                               "volume_vs_usual_log",
                                                               "resource_count",
                                                               "event_rate_per_hour_log",
                                                               "failure_ratio",
                                                               "new_ip",
                                                               "new_resource",
                                                               "new_place",
                                                               "query_length_log",
                                                               "query_entropy",
                                                               "geo_distance_km_log",
                                                               "travel_excess_kmh_log",
                                                               "new_device"};
  return names;
}

FeatureMask::FeatureMask() {
  used_.fill(true);
}

Result<FeatureMask> FeatureMask::from_names(std::span<const std::string> names) {
  FeatureMask mask;
  mask.used_.fill(false);
  const auto known = feature_names();
  for (const std::string& name : names) {
    auto it = std::find(known.begin(), known.end(), name);
    if (it == known.end())
      return make_error(ErrorCode::kInvalidInput,
                        fmt::format("ml.model_features: unknown feature '{}' (known: {})", name,
                                    fmt::join(known, ", ")));
    mask.used_[static_cast<size_t>(it - known.begin())] = true;
  }
  return mask;
}

FeatureRow FeatureMask::apply(const FeatureRow& row) const {
  FeatureRow out{};
  for (uint32_t f = 0; f < kFeatureCount; ++f) out[f] = used_[f] ? row[f] : 0.0f;
  return out;
}

Cyclic cyclic(double value, double period) {
  const double angle = 2 * std::numbers::pi * value / period;
  return {std::sin(angle), std::cos(angle)};
}

double char_entropy(std::string_view s) {
  if (s.empty()) return 0;
  std::array<uint32_t, 256> counts{};
  for (const char c : s) ++counts[static_cast<unsigned char>(c)];
  double bits = 0;
  const double n = static_cast<double>(s.size());
  for (const uint32_t k : counts) {
    if (k == 0) continue;
    const double p = k / n;
    bits -= p * std::log2(p);
  }
  return bits;
}

bool is_failure(std::string_view outcome, std::string_view action) {
  if (!outcome.empty()) return iequals_ascii(outcome, "failure");
  const std::string lower = ascii_lower(action);
  return lower.find("fail") != std::string::npos || lower.find("denied") != std::string::npos ||
         lower.find("invalid") != std::string::npos;
}

FactReader::FactReader(const MlConfig& config,
                       std::shared_ptr<const behavior::DeviceParser> devices,
                       const BehaviorConfig& observed)
    : observations_(observation_config(config, observed), std::move(devices)),
      resource_(observations_.add_path(canonical::kResource)),
      source_ip_(observations_.add_path(canonical::kSourceIp)),
      outcome_(observations_.add_path("event.outcome")) {
  for (const auto& f : config.query_fields) query_fields_.push_back(observations_.add_path(f));
}

std::optional<EventFacts> FactReader::read(const Event& event) const {
  const behavior::EventFields fields = fields_of(event.doc);
  auto observation = observe(event, fields);
  if (!observation) return std::nullopt;
  return read(std::move(*observation), fields);
}

EventFacts FactReader::read(behavior::Observation observation,
                            const behavior::EventFields& fields) const {
  EventFacts facts;
  facts.observation = std::move(observation);
  if (const auto* ip = fields.string_at(source_ip_)) facts.ip_hash = hash_of(*ip);
  if (const std::string& place = facts.observation.place(); !place.empty())
    facts.place_hash = hash_of(place);
  if (const Value* r = fields.find(resource_); r != nullptr) {
    if (r->is_string() && !r->as_string().empty()) {
      facts.resource_hashes.push_back(hash_of(r->as_string()));
    } else if (r->is_array()) {
      for (const Value& item : r->as_array())
        if (item.is_string() && !item.as_string().empty())
          facts.resource_hashes.push_back(hash_of(item.as_string()));
    }
  }
  if (!facts.observation.device.empty()) facts.device_hash = hash_of(facts.observation.device);
  const std::string* outcome = fields.string_at(outcome_);
  facts.failure = is_failure(outcome ? *outcome : std::string_view(), facts.observation.event_type);
  for (const auto& f : query_fields_) {
    if (const auto* q = fields.string_at(f)) {
      facts.query = *q;
      break;
    }
  }
  return facts;
}

void fill_event_features(const EventFacts& facts, FeatureRow& row) {
  constexpr int64_t kDay = 86400;
  constexpr int64_t kWeek = 7 * kDay;
  const int64_t t = facts.observation.time_s;
  const auto day = cyclic(static_cast<double>(((t % kDay) + kDay) % kDay), kDay);
  // 1970-01-01 was a Thursday: weeks start on Monday, as behavior::hour_of_week.
  const auto week = cyclic(static_cast<double>(((t + 3 * kDay) % kWeek + kWeek) % kWeek), kWeek);
  row[kHourSin] = static_cast<float>(day.sin);
  row[kHourCos] = static_cast<float>(day.cos);
  row[kWeekSin] = static_cast<float>(week.sin);
  row[kWeekCos] = static_cast<float>(week.cos);
  const double kb = facts.observation.bytes.value_or(0) / 1024.0;
  row[kDataVolume] = static_cast<float>(std::log1p(kb));
  row[kResourceCount] = static_cast<float>(facts.resource_hashes.size());
  const size_t query_length = facts.query ? facts.query->size() : 0;
  row[kQueryLength] = static_cast<float>(std::log1p(static_cast<double>(query_length)));
  row[kQueryEntropy] = static_cast<float>(facts.query ? char_entropy(*facts.query) : 0.0);
}

}  // namespace vigil::ml
