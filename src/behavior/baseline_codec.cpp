#include "behavior/baseline_codec.h"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/timestamp.h"

namespace vigil::behavior {
namespace {

using nlohmann::json;
constexpr int kVersion = 1;

json encode_counts(const DecayedCounts& c) {
  json out = json::array();
  for (const auto& s : c.slots()) out.push_back(json::array({s.value, s.weight, s.last_seen_s}));
  return out;
}

DecayedCounts decode_counts(const json& j) {
  DecayedCounts c;
  for (const auto& s : j) {
    c.restore(s.at(0).get<std::string>(), s.at(1).get<double>(), s.at(2).get<int64_t>());
  }
  return c;
}

struct NamedCounts {
  const char* name;
  DecayedCounts EntityBaseline::*member;
};
constexpr NamedCounts kCounts[] = {
    {"countries", &EntityBaseline::countries},
    {"cities", &EntityBaseline::cities},
    {"asns", &EntityBaseline::asns},
    {"networks", &EntityBaseline::networks},
    {"resources", &EntityBaseline::resources},
    {"devices", &EntityBaseline::devices},
    {"event_types", &EntityBaseline::event_types},
};

std::string time_text(int64_t s) {
  return format_rfc3339(Timestamp::from_seconds(s));
}

double rounded(double v) {
  return std::round(v * 1000) / 1000;
}

Value counts_view(const DecayedCounts& c, size_t top) {
  Array out;
  for (const auto& s : c.top(top)) {
    out.push_back(Object{{"value", s.value},
                         {"weight", rounded(s.weight)},
                         {"last_seen", time_text(s.last_seen_s)}});
  }
  return out;
}

}  // namespace

std::string encode_baseline(const EntityBaseline& b) {
  json j;
  j["v"] = kVersion;
  j["events"] = b.events;
  j["weight"] = b.weight;
  j["first_seen"] = b.first_seen_s;
  j["last_seen"] = b.last_seen_s;
  j["decay_ref"] = b.decay_ref_s;
  json hours = json::array();
  for (size_t h = 0; h < b.hours.size(); ++h) hours.push_back(b.hours[h]);
  j["hours"] = std::move(hours);
  for (const auto& c : kCounts) j[c.name] = encode_counts(b.*c.member);
  j["volume"] = json::array({b.volume.weight, b.volume.sum, b.volume.sum_sq, b.volume.samples});
  if (b.last_sighting) {
    const auto& s = *b.last_sighting;
    j["last_sighting"] = json::array({s.time_s, s.point.lat, s.point.lon, s.place});
  }
  json recent = json::array();
  for (const auto& r : b.recent)
    recent.push_back(json::array({r.time_s, r.type, r.probability, r.alerted}));
  j["recent"] = std::move(recent);
  return j.dump();
}

Result<EntityBaseline> decode_baseline(std::string_view text) {
  try {
    const json j = json::parse(text);
    if (j.at("v").get<int>() != kVersion)
      return make_error(ErrorCode::kInvalidInput, "baseline written by another version");
    EntityBaseline b;
    b.events = j.at("events").get<uint64_t>();
    b.weight = j.at("weight").get<double>();
    b.first_seen_s = j.at("first_seen").get<int64_t>();
    b.last_seen_s = j.at("last_seen").get<int64_t>();
    b.decay_ref_s = j.at("decay_ref").get<int64_t>();
    const auto& hours = j.at("hours");
    if (hours.size() != b.hours.size())
      return make_error(ErrorCode::kInvalidInput, "baseline hours must have 168 entries");
    for (size_t i = 0; i < b.hours.size(); ++i)
      b.hours[i] = static_cast<float>(hours[i].get<double>());
    for (const auto& c : kCounts) b.*c.member = decode_counts(j.at(c.name));
    const auto& v = j.at("volume");
    b.volume = VolumeStats{v.at(0).get<double>(), v.at(1).get<double>(), v.at(2).get<double>(),
                           v.at(3).get<uint64_t>()};
    if (j.contains("last_sighting")) {
      const auto& s = j["last_sighting"];
      b.last_sighting = LastSighting{s.at(0).get<int64_t>(),
                                     GeoPoint{s.at(1).get<double>(), s.at(2).get<double>()},
                                     s.at(3).get<std::string>()};
    }
    for (const auto& r : j.at("recent")) {
      b.recent.push_back(RecentScore{r.at(0).get<int64_t>(), r.at(1).get<std::string>(),
                                     r.at(2).get<double>(), r.at(3).get<bool>()});
    }
    return b;
  } catch (const json::exception& e) {
    return make_error(ErrorCode::kInvalidInput, fmt::format("bad baseline: {}", e.what()));
  }
}

Value baseline_view(const EntityBaseline& b, bool learned) {
  Object v;
  v.emplace_back("events", b.events);
  v.emplace_back("weight", rounded(b.weight));
  v.emplace_back("first_seen", time_text(b.first_seen_s));
  v.emplace_back("last_seen", time_text(b.last_seen_s));
  v.emplace_back("learning", !learned);
  Array hours(b.hours.size());
  for (size_t i = 0; i < b.hours.size(); ++i) hours[i] = Value(rounded(b.hours[i]));
  v.emplace_back("hours_of_week", std::move(hours));  // 0 = Monday 00:00 UTC
  for (const auto& c : kCounts) {
    if (c.member == &EntityBaseline::resources) continue;
    v.emplace_back(c.name, counts_view(b.*c.member, 10));
  }
  v.emplace_back("resources", Object{{"distinct", static_cast<uint64_t>(b.resources.size())}});
  Object volume{{"samples", b.volume.samples}};
  if (b.volume.weight > 0) {
    volume.emplace_back("usual_bytes", std::round(std::expm1(b.volume.mean())));
    volume.emplace_back("log_stddev", rounded(b.volume.stddev()));
  }
  v.emplace_back("data_volume", std::move(volume));
  if (b.last_sighting) {
    v.emplace_back("last_location", Object{{"place", b.last_sighting->place},
                                           {"time", time_text(b.last_sighting->time_s)}});
  }
  Array recent;
  for (auto it = b.recent.rbegin(); it != b.recent.rend(); ++it) {
    recent.push_back(Object{{"time", time_text(it->time_s)},
                            {"type", it->type},
                            {"probability", it->probability},
                            {"alerted", it->alerted}});
  }
  v.emplace_back("recent_anomalies", std::move(recent));
  return Value(std::move(v));
}

}  // namespace vigil::behavior
