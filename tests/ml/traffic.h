// Generated normal traffic for the ML detector tests: users with a home
// country, two IPs, a handful of resources and their own typical data volume
// (log-normal around a per-user median), working on weekdays 08:00-18:00;
// logins (no volume, 5% failed) and file accesses. Normal life has a little
// of everything, or a model could never learn what novelty weighs: 3% of
// events come from a fresh IP, 2% touch a resource new to the user, 1% are
// on a trip (another of the home countries), 5% are evening work (18-22 h).
// Deterministic per seed.
#pragma once

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "anomaly/random.h"
#include "core/event.h"
#include "core/timestamp.h"

namespace vigil::ml::gen {

inline constexpr int64_t kDay = 86400;
inline constexpr int64_t kMonday = 1'704'067'200;  // 2024-01-01T00:00:00Z

struct Home {
  const char* country;
  double lat, lon;
};
inline constexpr Home kHomes[] = {
    {"GB", 51.51, -0.13}, {"US", 40.71, -74.0}, {"DE", 52.52, 13.40}, {"FR", 48.86, 2.35}};

struct User {
  std::string name;
  Home home;
  std::vector<std::string> ips;
  std::vector<std::string> resources;
  double median_kb = 100;
};

struct Spec {
  int64_t time_s = 0;
  const User* user = nullptr;
  bool login = false;
  bool failed = false;
  std::string ip;
  std::string resource;
  double kb = 0;
  std::string country;
  double lat = 0, lon = 0;
};

inline Event to_event(const Spec& s) {
  Event e;
  e.time = Timestamp::from_seconds(s.time_s);
  Object event{{"action", s.login ? "login" : "file_access"},
               {"outcome", s.failed ? "failure" : "success"}};
  Object doc{
      {"user", Object{{"name", s.user->name}}},
      {"event", std::move(event)},
      {"source", Object{{"ip", s.ip},
                        {"geo", Object{{"country_iso_code", s.country},
                                       {"location", Object{{"lat", s.lat}, {"lon", s.lon}}}}}}}};
  if (!s.login) {
    doc.emplace_back("resource", Object{{"name", s.resource}});
    doc.emplace_back("data_volume", Object{{"bytes", std::round(s.kb * 1024)}});
  }
  e.doc = std::move(doc);
  return e;
}

class Traffic {
 public:
  explicit Traffic(int users, uint64_t seed = 11, const std::string& domain = "corp.test")
      : random_(seed) {
    for (int i = 0; i < users; ++i) {
      User u;
      u.name = "user" + std::to_string(i) + "@" + domain;
      u.home = kHomes[static_cast<size_t>(i) % std::size(kHomes)];
      u.ips = {fmt_ip(i, 1), fmt_ip(i, 2)};
      for (int r = 0; r < 5; ++r)
        u.resources.push_back("/share/team" + std::to_string(i % 7) + "/doc" + std::to_string(r) +
                              ".xlsx");
      u.median_kb = 50 * std::exp(random_.unit() * std::log(10.0));  // 50 KB .. 500 KB
      users_.push_back(std::move(u));
    }
  }

  const std::vector<User>& users() const { return users_; }

  // `per_user` events per user on every weekday of days [first, last), in time order.
  std::vector<Spec> days(int first, int last, int per_user) {
    std::vector<Spec> out;
    for (int d = first; d < last; ++d) {
      if (d % 7 >= 5) continue;  // weekend
      for (const User& u : users_)
        for (int k = 0; k < per_user; ++k) out.push_back(normal(u, kMonday + d * kDay));
    }
    std::sort(out.begin(), out.end(),
              [](const Spec& a, const Spec& b) { return a.time_s < b.time_s; });
    return out;
  }

  Spec normal(const User& u, int64_t day_start) {
    Spec s;
    s.user = &u;
    const bool evening = random_.unit() < 0.05;
    s.time_s = day_start + (evening ? 18 : 8) * 3600 +
               static_cast<int64_t>(random_.below((evening ? 4 : 10) * 3600));
    s.login = random_.unit() < 0.3;
    s.failed = s.login && random_.unit() < 0.05;
    s.ip = u.ips[random_.below(u.ips.size())];
    s.resource = u.resources[random_.below(u.resources.size())];
    s.kb = u.median_kb * std::exp(0.5 * gaussian());
    s.country = u.home.country;
    s.lat = u.home.lat;
    s.lon = u.home.lon;
    if (random_.unit() < 0.03)
      s.ip =
          "10.200." + std::to_string(random_.below(250)) + "." + std::to_string(random_.below(250));
    if (random_.unit() < 0.02)
      s.resource = "/share/misc/file" + std::to_string(random_.below(100000));
    if (random_.unit() < 0.01) {
      const Home& trip = kHomes[random_.below(std::size(kHomes))];
      s.country = trip.country;
      s.lat = trip.lat;
      s.lon = trip.lon;
    }
    return s;
  }

 private:
  static std::string fmt_ip(int user, int k) {
    return "10." + std::to_string(user / 250) + "." + std::to_string(user % 250) + "." +
           std::to_string(k);
  }
  double gaussian() {  // Box-Muller
    const double u1 = std::max(random_.unit(), 1e-12);
    return std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * random_.unit());
  }

  anomaly::Random random_;
  std::vector<User> users_;
};

}  // namespace vigil::ml::gen
