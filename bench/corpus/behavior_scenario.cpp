#include "corpus/behavior_scenario.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <span>

#include "corpus/clock.h"
#include "corpus/json_out.h"
#include "corpus/rng.h"

namespace vigil::bench {
namespace {

constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kHour = 3600 * kSecond;
constexpr int64_t kDay = 24 * kHour;

// Networks of the GeoIP2-City test database with their known answers
// (../shared/data/geoip/expected-lookups.txt).
struct Place {
  const char* country;
  const char* prefix;  // first three octets
  int first, last;     // host range inside the prefix
  double lat, lon;
};
constexpr Place kPlaces[] = {
    {"GB", "81.2.69", 160, 191, 51.5142, -0.0931},     // London
    {"GB", "2.125.160", 216, 223, 51.75, -1.25},       // Boxford
    {"SE", "89.160.20", 128, 255, 58.4167, 15.6167},   // Linköping
    {"US", "216.160.83", 56, 63, 47.2513, -122.3149},  // Milton, WA
    {"US", "214.78.120", 0, 255, 32.7405, -117.0935},  // San Diego
    {"CN", "175.16.199", 0, 255, 43.88, 125.3228},     // Changchun
    {"SG", "214.0.0", 0, 255, 1.336, 103.7716},        // Singapore
    {"AU", "214.0.1", 0, 255, -37.8159, 144.9669},     // Melbourne
    {"PH", "202.196.224", 0, 255, 13.0, 122.0},       {"BT", "67.43.156", 0, 255, 27.5, 90.5},
};
constexpr size_t kHomes = 5;  // the first five places are where people live

struct Agent {
  const char* family;  // what uap-core calls browser/OS, for reading the data
  const char* format;  // {} = major version
};
constexpr Agent kAgents[] = {
    {"Firefox/Windows",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:{}.0) Gecko/20100101 Firefox/{}.0"},
    {"Chrome/Windows",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/{}.0.0.0 Safari/537.36"},
    {"Chrome/Mac OS X",
     "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/{}.0.0.0 Safari/537.36"},
    {"Mobile Safari/iOS",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Version/{}.1 Mobile/15E148 Safari/604.1"},
    {"Firefox/Ubuntu",
     "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:{}.0) Gecko/20100101 Firefox/{}.0"},
    {"Edge/Windows",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/{}.0.0.0 Safari/537.36 Edg/{}.0.0.0"},
};

constexpr const char* kResources[] = {
    "/wiki/onboarding", "/wiki/runbooks",   "/crm/accounts",     "/crm/leads",
    "/finance/ledger",  "/finance/payroll", "/hr/reviews",       "/hr/policies",
    "/eng/repos/core",  "/eng/repos/web",   "/eng/ci/pipelines", "/sales/forecast",
    "/sales/contracts", "/support/tickets", "/support/kb",       "/ops/dashboards",
    "/legal/nda",       "/legal/contracts", "/exec/board-deck",  "/data/warehouse",
};

enum Anomaly : uint8_t {
  kOffHours,
  kNewCountry,
  kImpossibleTravel,
  kVolumeSpike,
  kNewDevice,
  kCount
};
constexpr const char* kLabels[] = {"unusual_access_time", "unusual_location", "impossible_travel",
                                   "data_volume_spike", "new_device"};

double distance_km(const Place& a, const Place& b) {
  constexpr double kRad = std::numbers::pi / 180;
  const double h = std::pow(std::sin((b.lat - a.lat) * kRad / 2), 2) +
                   std::cos(a.lat * kRad) * std::cos(b.lat * kRad) *
                       std::pow(std::sin((b.lon - a.lon) * kRad / 2), 2);
  return 2 * 6371.0088 * std::asin(std::sqrt(h));
}

struct Person {
  std::string name;
  size_t home = 0;
  int second = -1;  // a second usual place (another office), or -1
  int start_hour = 8;
  int span_hours = 9;
  std::vector<size_t> agents;
  std::vector<size_t> resources;
  double log_volume = 0;  // ln of the typical bytes per data access
  int events_per_day = 20;
};

class Writer {
 public:
  Writer(Rng& rng, std::vector<LabelledLine>& out) : rng_(rng), out_(out) {}

  void write(const Person& p, int64_t micros, size_t place, size_t agent, const char* type,
             size_t resource, double bytes, const char* label) {
    const Place& where = kPlaces[place];
    std::string ip =
        std::string(where.prefix) + "." + std::to_string(rng_.range(where.first, where.last));
    const int version = static_cast<int>(rng_.range(118, 122));  // upgrades are not new devices
    std::string ua = kAgents[agent].format;
    for (size_t at; (at = ua.find("{}")) != std::string::npos;)
      ua.replace(at, 2, std::to_string(version));
    LabelledLine line;
    line.micros = micros;
    line.label = label ? label : "";
    line.event_id = "ev" + std::to_string(next_id_++);
    std::string ts;
    clock_format_.append(ts, micros, 3);
    JsonOut j(line.json);
    j.open();
    j.str("timestamp", ts);
    j.str("event_id", line.event_id);
    j.str("event_type", type);
    j.str("user_id", p.name);
    j.str("ip_address", ip);
    j.str("user_agent", ua);
    j.str("resource_accessed", kResources[resource]);
    if (bytes > 0) j.num("data_volume_bytes", static_cast<int64_t>(bytes));
    j.close();
    out_.push_back(std::move(line));
  }

 private:
  Rng& rng_;
  std::vector<LabelledLine>& out_;
  TimestampFormatter clock_format_;
  uint64_t next_id_ = 1;
};

}  // namespace

namespace {

Person make_person(Rng& rng, size_t i) {
  Person p;
  p.name = "user" + std::to_string(1000 + i);
  p.home = rng.below(kHomes);
  if (rng.chance(0.3)) {
    std::vector<size_t> options;
    for (size_t j = 0; j < kHomes; ++j) {
      const double km = distance_km(kPlaces[p.home], kPlaces[j]);
      if (km > 1000 && km < 9000) options.push_back(j);
    }
    if (!options.empty()) p.second = static_cast<int>(options[rng.below(options.size())]);
  }
  p.start_hour = static_cast<int>(rng.range(0, 23));
  p.span_hours = static_cast<int>(rng.range(8, 10));
  const size_t agents = rng.chance(0.4) ? 2 : 1;
  while (p.agents.size() < agents) {
    const size_t a = rng.below(std::size(kAgents) - 1);  // Edge only as a new device
    if (std::find(p.agents.begin(), p.agents.end(), a) == p.agents.end()) p.agents.push_back(a);
  }
  const size_t resources = static_cast<size_t>(rng.range(4, 8));
  while (p.resources.size() < resources) {
    const size_t r = rng.below(std::size(kResources));
    if (std::find(p.resources.begin(), p.resources.end(), r) == p.resources.end())
      p.resources.push_back(r);
  }
  p.log_volume = std::log(20e3) + rng.unit() * (std::log(5e6) - std::log(20e3));
  p.events_per_day = static_cast<int>(rng.range(10, 30));
  return p;
}

bool in_country(const Person& p, const char* country) {
  const auto same = [&](size_t place) {
    return std::string_view(kPlaces[place].country) == country;
  };
  return same(p.home) || (p.second >= 0 && same(static_cast<size_t>(p.second)));
}

// A country the person never visits, reachable overnight from both usual places.
int new_country_for(const Person& p, Rng& rng) {
  std::vector<size_t> options;
  for (size_t j = 0; j < std::size(kPlaces); ++j) {
    if (in_country(p, kPlaces[j].country)) continue;
    if (distance_km(kPlaces[p.home], kPlaces[j]) > 9000) continue;
    if (p.second >= 0 && distance_km(kPlaces[static_cast<size_t>(p.second)], kPlaces[j]) > 9000)
      continue;
    options.push_back(j);
  }
  return options.empty() ? -1 : static_cast<int>(options[rng.below(options.size())]);
}

// A known-country place over 1,000 km from home: the second office, or
// another city of the home country.
int far_known_place(const Person& p) {
  if (p.second >= 0) return p.second;
  for (size_t j = 0; j < kHomes; ++j) {
    if (std::string_view(kPlaces[j].country) == kPlaces[p.home].country &&
        distance_km(kPlaces[p.home], kPlaces[j]) > 1000)
      return static_cast<int>(j);
  }
  return -1;
}

const char* normal_type(Rng& rng) {
  const double r = rng.unit();
  return r < 0.2 ? "login" : r < 0.7 ? "data_access" : r < 0.9 ? "file_download" : "logout";
}

double normal_bytes(Rng& rng, const Person& p, const char* type) {
  if (std::string_view(type) != "data_access") return 0;
  // Box-Muller: a log-normal volume around the person's typical size.
  const double u1 = std::max(rng.unit(), 1e-12), u2 = rng.unit();
  const double z = std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
  return std::exp(p.log_volume + 0.6 * z);
}

}  // namespace

std::vector<LabelledLine> make_behavior_scenario(const BehaviorScenarioOptions& opt) {
  Rng rng(opt.seed);
  std::vector<LabelledLine> out;
  Writer w(rng, out);
  for (size_t i = 0; i < opt.users; ++i) {
    const Person p = make_person(rng, i);
    // Which anomaly (if any) happens on which day.
    std::vector<int> anomaly_on(static_cast<size_t>(opt.days), -1);
    for (int a = 0; a < kCount; ++a) {
      if (!rng.chance(opt.anomaly_share)) continue;
      if (a == kImpossibleTravel && far_known_place(p) < 0) continue;
      for (int tries = 0; tries < 20; ++tries) {
        const int day = static_cast<int>(rng.range(opt.learning_days, opt.days - 1));
        // Weekdays, and never two days in a row: the day after an anomaly is
        // spent where the anomaly happened (an off-hours login is followed
        // by the next morning in the same place, not by a flight).
        const auto free = [&](int d) {
          return d < 0 || d >= opt.days || anomaly_on[static_cast<size_t>(d)] < 0;
        };
        if (day % 7 < 5 && free(day) && free(day - 1) && free(day + 1)) {
          anomaly_on[static_cast<size_t>(day)] = a;
          break;
        }
      }
    }
    int stay_at = -1;  // the place of yesterday's anomaly
    for (int day = 0; day < opt.days; ++day) {
      const bool weekend = day % 7 >= 5;
      if (weekend && !rng.chance(0.1)) continue;
      const int anomaly = anomaly_on[static_cast<size_t>(day)];
      size_t place = p.home;
      // The second office is visited on day 1 (learned early) and now and then.
      if (p.second >= 0 && (day == 1 || rng.chance(0.2))) place = static_cast<size_t>(p.second);
      if (stay_at >= 0) place = static_cast<size_t>(stay_at);
      stay_at = -1;
      if (anomaly == kImpossibleTravel) place = p.home;
      int trip = anomaly == kNewCountry ? new_country_for(p, rng) : -1;
      if (trip >= 0) place = static_cast<size_t>(trip);
      const int64_t day_start = opt.start_micros + day * kDay + p.start_hour * kHour;
      const int n = weekend ? p.events_per_day / 4 + 1 : p.events_per_day;
      std::vector<int64_t> times;
      for (int e = 0; e < n; ++e)
        times.push_back(day_start + static_cast<int64_t>(
                                        rng.below(static_cast<uint64_t>(p.span_hours * kHour))));
      std::sort(times.begin(), times.end());
      for (size_t e = 0; e < times.size(); ++e) {
        const char* type = normal_type(rng);
        const size_t agent = p.agents[rng.chance(0.8) ? 0 : rng.below(p.agents.size())];
        const char* label = trip >= 0 && e == 0 ? kLabels[kNewCountry] : nullptr;
        w.write(p, times[e], place, agent, type, p.resources[rng.below(p.resources.size())],
                normal_bytes(rng, p, type), label);
      }
      const size_t resource = p.resources[rng.below(p.resources.size())];
      const int64_t during =
          day_start + static_cast<int64_t>(rng.below(static_cast<uint64_t>(p.span_hours * kHour)));
      switch (anomaly) {
        case kOffHours: {
          const int off = p.start_hour + p.span_hours + (24 - p.span_hours) / 2;
          const int64_t t = opt.start_micros + day * kDay + off * kHour + rng.range(0, kHour / 2);
          w.write(p, t, place, p.agents[0], "login", resource, 0, kLabels[kOffHours]);
          stay_at = static_cast<int>(place);
          break;
        }
        case kImpossibleTravel: {
          const int64_t t = times.back() + rng.range(10 * 60 * kSecond, 40 * 60 * kSecond);
          w.write(p, t, static_cast<size_t>(far_known_place(p)), p.agents[0], "login", resource, 0,
                  kLabels[kImpossibleTravel]);
          break;
        }
        case kVolumeSpike:
          w.write(p, during, place, p.agents[0], "data_access", resource,
                  std::exp(p.log_volume) * static_cast<double>(rng.range(300, 3000)),
                  kLabels[kVolumeSpike]);
          break;
        case kNewDevice: {
          size_t agent = 0;
          do {
            agent = rng.below(std::size(kAgents));
          } while (std::find(p.agents.begin(), p.agents.end(), agent) != p.agents.end());
          w.write(p, during, place, agent, "login", resource, 0, kLabels[kNewDevice]);
          break;
        }
        default:
          break;
      }
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const LabelledLine& a, const LabelledLine& b) {
    return a.micros < b.micros;
  });
  return out;
}

}  // namespace vigil::bench
