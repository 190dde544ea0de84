// The people and machines a corpus is about: a fixed set of users with a
// home address, device and department, and a set of attacker addresses.
// Drawing events from a stable population is what lets baselines,
// correlation windows and pseudonymization be exercised realistically.
#pragma once

#include <string>
#include <vector>

#include "corpus/rng.h"

namespace vigil::bench {

struct User {
  std::string name;   // "zoë.müller7" (UTF-8)
  std::string id;     // "u00042"
  std::string email;  // ASCII-folded: "zoe.muller7@example.com"
  std::string ip;     // usual source address (IPv4 mostly, some IPv6)
  std::string_view user_agent;
  std::string_view department;
  std::string_view home_host;  // where the user usually logs in
  std::string session;         // current session id, renewed on each login
  bool is_admin = false;
};

struct Population {
  std::vector<User> users;
  std::vector<std::string> attacker_ips;
  std::vector<std::string> service_accounts;  // names without a person (svc-backup, ...)
};

Population make_population(Rng& rng, size_t users, size_t attackers);
std::string random_ipv4_public(Rng& rng);
std::string random_ipv4_internal(Rng& rng);
std::string random_ipv6(Rng& rng);
std::string random_hex(Rng& rng, size_t n);

}  // namespace vigil::bench
