// The seed's attack patterns, end to end: a stream of seed-schema events
// (user_id, ip_address, event_type, ...) holding each attack the seed's
// _run_detection_rules and _run_correlation_engine look for, its near misses
// and background noise, replayed through the real binary with the built-in
// pack. The expected alerts are computed here, independently, by naive
// re-counting over the generated events (every window, every pair), and must
// equal the alerts vigil writes, rule by rule.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "daemon_fixture.h"

namespace vigil::testing {
namespace {

constexpr int64_t kMiB = 1024 * 1024;

struct SeedEvent {
  int t = 0;  // seconds after 08:00:00
  std::string type{};
  std::string user{};
  std::string ip{};
  std::string host{};
  std::string destination{};
  std::string session{};
  std::string target{};
  std::string resource{};
  std::string query{};
  int64_t bytes = 0;
  std::vector<std::string> permissions{};
  bool injection = false;  // the scenario's own label for SQL queries

  nlohmann::json json() const {
    char ts[32];
    std::snprintf(ts, sizeof ts, "2026-11-25T%02d:%02d:%02dZ", 8 + t / 3600, t / 60 % 60, t % 60);
    nlohmann::json j = {{"timestamp", ts}, {"event_type", type}};
    const auto put = [&](const char* k, const std::string& v) {
      if (!v.empty()) j[k] = v;
    };
    put("user_id", user);
    put("ip_address", ip);
    put("hostname", host);
    put("destination", destination);
    put("session_id", session);
    put("target_user", target);
    put("resource_accessed", resource);
    put("query", query);
    if (bytes > 0) j["data_volume_bytes"] = bytes;
    if (!permissions.empty()) j["new_permissions"] = permissions;
    return j;
  }
};

class Stream {
 public:
  void add(SeedEvent e) { events_.push_back(std::move(e)); }
  void fail(int t, const std::string& user, const std::string& ip) {
    add({.t = t, .type = "authentication_failure", .user = user, .ip = ip});
  }
  void login(int t, const std::string& user, const std::string& ip, const std::string& host,
             bool as_destination = false) {
    SeedEvent e{.t = t, .type = "authentication_success", .user = user, .ip = ip};
    (as_destination ? e.destination : e.host) = host;
    add(std::move(e));
  }
  void read(int t, const std::string& user, const std::string& session, int64_t bytes,
            const std::string& resource = "/srv/data/report.csv") {
    add({.t = t,
         .type = "data_access",
         .user = user,
         .ip = "10.1.0.5",
         .session = session,
         .resource = resource,
         .bytes = bytes});
  }
  void grant(int t, const std::string& actor, const std::string& target, const std::string& perm) {
    add({.t = t,
         .type = "permission_change",
         .user = actor,
         .ip = "10.9.0.1",
         .target = target,
         .permissions = {"read", perm}});
  }
  void access(int t, const std::string& user, const std::string& resource) {
    add({.t = t, .type = "file_access", .user = user, .ip = "10.9.0.2", .resource = resource});
  }
  void query(int t, const std::string& user, const std::string& ip, const std::string& q,
             bool injection) {
    add({.t = t,
         .type = "database_query",
         .user = user,
         .ip = ip,
         .query = q,
         .injection = injection});
  }
  std::vector<SeedEvent> sorted() const {
    auto out = events_;
    std::stable_sort(out.begin(), out.end(),
                     [](const auto& a, const auto& b) { return a.t < b.t; });
    return out;
  }

 private:
  std::vector<SeedEvent> events_;
};

// The attacks, their near misses and the noise around them.
std::vector<SeedEvent> seed_attack_stream() {
  Stream s;
  // Noise: eight ordinary users over two hours, each from one address to one
  // host, small reads, ordinary queries, an occasional typo'd password.
  for (int u = 0; u < 8; ++u) {
    const std::string user = "staff" + std::to_string(u);
    const std::string ip = "10.2.0." + std::to_string(10 + u);
    for (int t = 30 * u; t < 7200; t += 420) {
      s.login(t, user, ip, "ws-" + std::to_string(u));
      s.read(t + 5, user, "sess-" + user, 2 * kMiB);
      s.query(t + 9, user, ip, "SELECT name, union_selection FROM votes WHERE id = 7", false);
    }
    s.fail(100 + u, user, ip);
  }
  // Brute force that succeeds: 8 failures in 2 minutes, success 40 s later
  // from another address.
  for (int i = 0; i < 8; ++i) s.fail(600 + 15 * i, "alice", "198.51.100.7");
  s.login(745, "alice", "203.0.113.50", "web-1");
  // Near misses: 4 failures then success; 5 failures spread over 6 minutes.
  for (int i = 0; i < 4; ++i) s.fail(900 + 10 * i, "bob", "198.51.100.8");
  s.login(950, "bob", "198.51.100.8", "web-1");
  for (int i = 0; i < 5; ++i) s.fail(1000 + 90 * i, "carol", "198.51.100.9");
  s.login(1400, "carol", "198.51.100.9", "web-1");
  // Brute force without success within 5 minutes: only the failures alert.
  for (int i = 0; i < 6; ++i) s.fail(1500 + 20 * i, "dave", "198.51.100.10");
  s.login(1500 + 100 + 600, "dave", "10.2.0.99", "web-2");
  // Password spraying: one address, 12 users, one attempt each in 4 minutes;
  // and a near miss with 9 users.
  for (int i = 0; i < 12; ++i) s.fail(2000 + 20 * i, "spray" + std::to_string(i), "198.51.100.23");
  for (int i = 0; i < 9; ++i) s.fail(2000 + 25 * i, "other" + std::to_string(i), "198.51.100.99");
  // Lateral movement: 6 hosts in 5 minutes (host and destination fields);
  // near misses: 4 hosts, and 5 hosts spread over 20 minutes.
  for (int i = 0; i < 6; ++i)
    s.login(3000 + 60 * i, "mallet", "10.3.0.4", "srv-" + std::to_string(i), i % 2 == 1);
  for (int i = 0; i < 8; ++i)
    s.login(3000 + 30 * i, "ops1", "10.3.0.5", "srv-" + std::to_string(i % 4));
  for (int i = 0; i < 5; ++i)
    s.login(3000 + 300 * i, "ops2", "10.3.0.6", "srv-" + std::to_string(i));
  // Exfiltration: 60 reads of 10 MiB within 50 minutes (600 MiB, none of them
  // large); near misses: exactly 500 MiB, and 60 reads spread so that no hour
  // holds more than 49.
  for (int i = 0; i < 60; ++i) s.read(4000 + 50 * i, "trudy", "sess-trudy", 10 * kMiB);
  for (int i = 0; i < 50; ++i) s.read(4000 + 60 * i, "walter", "sess-walter", 10 * kMiB);
  for (int i = 0; i < 60; ++i) s.read(1000 + 75 * i, "victor", "sess-victor", 10 * kMiB);
  // One large read (the seed's large_data_access, > 100 MiB).
  s.read(5000, "analyst", "sess-analyst", 150 * kMiB, "/srv/warehouse/dump.parquet");
  // Privilege abuse: admin granted to eve, who reads /etc/shadow 10 minutes
  // later; gina grants herself admin and reads an API key; near misses: frank
  // reads payroll 40 minutes after his grant, henry reads a public file, ivan
  // gets a non-admin permission and reads /etc/shadow.
  s.grant(6000, "root_admin", "eve", "admin");
  s.access(6600, "eve", "/etc/shadow");
  s.grant(6010, "gina", "", "admin");
  s.access(6310, "gina", "/vault/prod/api-key.txt");
  s.grant(4000, "root_admin", "frank", "admin");
  s.access(4000 + 2400, "frank", "/srv/hr/payroll_2026.xlsx");
  s.grant(6020, "root_admin", "henry", "admin");
  s.access(6100, "henry", "/srv/public/readme.txt");
  s.grant(6030, "root_admin", "ivan", "write");
  s.access(6130, "ivan", "/etc/shadow");
  // SQL injection from two sources; look-alike queries from a third.
  s.query(6500, "webapp", "198.51.100.66",
          "SELECT * FROM users WHERE id=1 UNION/**/ALL SELECT password FROM admins", true);
  s.query(6510, "webapp", "198.51.100.66", "SELECT * FROM users WHERE name='' OR 1=1 --'", true);
  s.query(6520, "webapp", "198.51.100.66", "SELECT 1; DROP TABLE users", true);
  s.query(6530, "report", "198.51.100.67", "EXEC master..xp_cmdshell 'whoami'", true);
  s.query(6540, "webapp2", "10.4.0.1", "SELECT * FROM events WHERE title = 'family reunion'",
          false);
  s.query(6550, "webapp2", "10.4.0.1", "SELECT union_selection FROM votes", false);
  return s.sorted();
}

// --- the independent count ---------------------------------------------------------

using Events = std::vector<SeedEvent>;

template <typename Pred>
std::vector<const SeedEvent*> where(const Events& es, Pred p) {
  std::vector<const SeedEvent*> out;
  for (const auto& e : es) {
    if (p(e)) out.push_back(&e);
  }
  return out;
}

bool is_fail(const SeedEvent& e) {
  return e.type == "authentication_failure";
}
bool is_login(const SeedEvent& e) {
  return e.type == "authentication_success";
}

// Times at which `user` had >= 5 failures in the 5 minutes up to and including them.
std::vector<int> burst_times(const Events& es, const std::string& user) {
  const auto fails = where(es, [&](const SeedEvent& e) { return is_fail(e) && e.user == user; });
  std::vector<int> out;
  for (const auto* f : fails) {
    int n = 0;
    for (const auto* g : fails) n += g->t <= f->t && g->t >= f->t - 300;
    if (n >= 5) out.push_back(f->t);
  }
  return out;
}

std::set<std::string> users(const Events& es) {
  std::set<std::string> out;
  for (const auto& e : es) {
    if (!e.user.empty()) out.insert(e.user);
  }
  return out;
}

std::map<std::string, int> expected_alerts(const Events& es) {
  std::map<std::string, int> out;
  for (const auto& u : users(es)) {
    const auto bursts = burst_times(es, u);
    if (!bursts.empty()) ++out["excessive_failed_logins"];
    bool success_after = false;
    for (const auto* l :
         where(es, [&](const SeedEvent& e) { return is_login(e) && e.user == u; })) {
      for (int b : bursts) success_after = success_after || (b <= l->t && l->t - b <= 300);
    }
    if (success_after) ++out["brute_force_success"];
    // Lateral movement: >= 5 distinct hosts in 10 minutes.
    const auto logins = where(es, [&](const SeedEvent& e) { return is_login(e) && e.user == u; });
    bool lateral = false;
    for (const auto* l : logins) {
      std::set<std::string> hosts;
      for (const auto* m : logins) {
        if (m->t <= l->t && m->t >= l->t - 600) hosts.insert(m->host + "|" + m->destination);
      }
      lateral = lateral || hosts.size() >= 5;
    }
    if (lateral) ++out["lateral_movement"];
  }
  // Spraying: one address, >= 10 distinct users failing within 5 minutes.
  std::set<std::string> ips;
  for (const auto& e : es) ips.insert(e.ip);
  for (const auto& ip : ips) {
    const auto fails = where(es, [&](const SeedEvent& e) { return is_fail(e) && e.ip == ip; });
    bool spray = false;
    for (const auto* f : fails) {
      std::set<std::string> who;
      for (const auto* g : fails) {
        if (g->t <= f->t && g->t >= f->t - 300) who.insert(g->user);
      }
      spray = spray || who.size() >= 10;
    }
    if (spray) ++out["password_spraying"];
  }
  // Exfiltration: > 500 MiB in a sliding hour, per user and per session.
  const auto exfil = [&](auto key_of, const char* rule) {
    std::set<std::string> keys;
    for (const auto& e : es) {
      if (e.bytes > 0) keys.insert(key_of(e));
    }
    for (const auto& k : keys) {
      const auto reads =
          where(es, [&](const SeedEvent& e) { return e.bytes > 0 && key_of(e) == k; });
      bool over = false;
      for (const auto* r : reads) {
        int64_t sum = 0;
        for (const auto* q : reads) {
          if (q->t <= r->t && q->t >= r->t - 3600) sum += q->bytes;
        }
        over = over || sum > 500 * kMiB;
      }
      if (over) ++out[rule];
    }
  };
  exfil([](const SeedEvent& e) { return e.user; }, "data_exfiltration");
  exfil([](const SeedEvent& e) { return e.session; }, "data_exfiltration_by_session");
  // Single-event rules: one alert per entity (user, address, host, session).
  const auto per_entity = [&](auto pred, const char* rule) {
    std::set<std::string> entities;
    for (const auto& e : es) {
      if (pred(e)) entities.insert(e.user + "|" + e.ip + "|" + e.host + "|" + e.session);
    }
    if (!entities.empty()) out[rule] = static_cast<int>(entities.size());
  };
  const auto admin_grant = [](const SeedEvent& e) {
    return e.type == "permission_change" &&
           std::find(e.permissions.begin(), e.permissions.end(), "admin") != e.permissions.end();
  };
  per_entity(admin_grant, "privilege_escalation");
  per_entity([](const SeedEvent& e) { return e.bytes > 100 * kMiB; }, "large_data_access");
  per_entity([](const SeedEvent& e) { return e.injection; }, "sql_injection_attempt");
  // Privilege abuse: the grant's subject reads a sensitive resource within 30 minutes.
  const auto sensitive = [](const std::string& r) {
    return r == "/etc/shadow" || r.find("api-key") != std::string::npos ||
           r.find("payroll") != std::string::npos;
  };
  std::set<std::string> abusers;
  for (const auto& g : es) {
    if (!admin_grant(g)) continue;
    const std::string subject = g.target.empty() ? g.user : g.target;
    for (const auto& r : es) {
      if (r.user == subject && sensitive(r.resource) && r.t >= g.t && r.t - g.t <= 1800)
        abusers.insert(subject);
    }
  }
  if (!abusers.empty()) out["privilege_abuse"] = static_cast<int>(abusers.size());
  return out;
}

TEST(SeedAttacks, TheAttackStreamYieldsExactlyTheExpectedAlerts) {
  const auto events = seed_attack_stream();
  const auto expected = expected_alerts(events);
  // The scenarios are what the count must find (guards the count itself).
  const std::map<std::string, int> scenarios = {
      {"excessive_failed_logins", 2}, {"brute_force_success", 1},
      {"password_spraying", 1},       {"lateral_movement", 1},
      {"data_exfiltration", 1},       {"data_exfiltration_by_session", 1},
      {"large_data_access", 1},       {"privilege_escalation", 2},
      {"privilege_abuse", 2},         {"sql_injection_attempt", 2}};
  ASSERT_EQ(expected, scenarios);

  const auto dir = make_temp_dir("vigil-seed-attacks");
  {
    std::ofstream out(dir / "events.ndjson");
    for (const auto& e : events) out << e.json().dump() << "\n";
    // One alert per rule and entity over the whole stream.
    std::ofstream config(dir / "vigil.yaml");
    config << "alerts:\n  dedupe_window_s: 86400\n  outputs: []\n";
  }
  std::map<std::string, int> fired;
  std::map<std::string, std::set<std::string>> users_by_rule;
  for (const auto& a : replay_alerts(dir)) {
    ++fired[a["rule_name"].get<std::string>()];
    if (a["entity"].contains("user"))
      users_by_rule[a["rule_name"]].insert(a["entity"]["user"].get<std::string>());
  }
  EXPECT_EQ(fired, expected);
  // Who: the correlation alerts name the group they counted.
  EXPECT_EQ(users_by_rule["brute_force_success"], std::set<std::string>{"alice"});
  EXPECT_EQ(users_by_rule["excessive_failed_logins"], (std::set<std::string>{"alice", "dave"}));
  EXPECT_EQ(users_by_rule["privilege_abuse"], (std::set<std::string>{"eve", "gina"}));
  EXPECT_EQ(users_by_rule["lateral_movement"], std::set<std::string>{"mallet"});
  EXPECT_EQ(users_by_rule["data_exfiltration"], std::set<std::string>{"trudy"});
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vigil::testing
