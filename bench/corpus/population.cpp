#include "corpus/population.h"

#include <fmt/format.h>

#include "corpus/vocab.h"

namespace vigil::bench {
namespace {

// Emails are ASCII (what most mail systems and PII scanners expect); display
// names keep their accents.
std::string ascii_fold(std::string_view s) {
  static constexpr std::pair<std::string_view, char> kFolds[] = {
      {"ë", 'e'}, {"é", 'e'}, {"ø", 'o'}, {"ü", 'u'}, {"á", 'a'}};
  std::string out;
  for (size_t i = 0; i < s.size();) {
    bool folded = false;
    for (const auto& [from, to] : kFolds) {
      if (s.substr(i, from.size()) == from) {
        out.push_back(to);
        i += from.size();
        folded = true;
        break;
      }
    }
    if (folded) continue;
    if (s[i] != '\'') out.push_back(s[i]);
    ++i;
  }
  return out;
}

}  // namespace

std::string random_hex(Rng& rng, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(n, '0');
  for (auto& c : s) c = kHex[rng.below(16)];
  return s;
}

std::string random_ipv4_public(Rng& rng) {
  for (;;) {
    const auto a = rng.range(1, 223);
    const auto b = rng.range(0, 255);
    // Skip private, loopback and link-local space.
    if (a == 10 || a == 127 || (a == 172 && b >= 16 && b < 32) || (a == 192 && b == 168) ||
        (a == 169 && b == 254)) {
      continue;
    }
    return fmt::format("{}.{}.{}.{}", a, b, rng.range(0, 255), rng.range(1, 254));
  }
}

std::string random_ipv4_internal(Rng& rng) {
  return fmt::format("10.{}.{}.{}", rng.range(0, 31), rng.range(0, 255), rng.range(1, 254));
}

std::string random_ipv6(Rng& rng) {
  if (rng.chance(0.3))
    return fmt::format("fd00:{:x}::{:x}", rng.below(0x10000), rng.below(0x10000));
  return fmt::format("2a0{}:{:x}:{:x}:{:x}::{:x}", rng.range(0, 9), rng.below(0x10000),
                     rng.below(0x10000), rng.below(0x10000), rng.range(1, 0xffff));
}

Population make_population(Rng& rng, size_t users, size_t attackers) {
  Population p;
  p.users.reserve(users);
  for (size_t i = 0; i < users; ++i) {
    User u;
    const std::string_view first = rng.pick(vocab::kFirstNames);
    const std::string_view last = rng.pick(vocab::kLastNames);
    u.name = fmt::format("{}.{}{}", first, last, i % 97 == 0 ? "" : std::to_string(i % 97));
    u.id = fmt::format("u{:05}", i);
    u.email = fmt::format("{}@{}", ascii_fold(u.name), rng.pick(vocab::kDomains));
    const double where = rng.unit();
    u.ip = where < 0.7   ? random_ipv4_internal(rng)
           : where < 0.9 ? random_ipv4_public(rng)
                         : random_ipv6(rng);
    u.user_agent = rng.pick(vocab::kUserAgents);
    u.department = rng.pick(vocab::kDepartments);
    u.session = "sess-" + random_hex(rng, 16);
    u.is_admin = rng.chance(0.03);
    // From the index, not the generator: the rest of the population stays as it was.
    u.home_host = vocab::kHosts[i % vocab::kHosts.size()];
    p.users.push_back(std::move(u));
  }
  for (size_t i = 0; i < attackers; ++i) {
    p.attacker_ips.push_back(rng.chance(0.15) ? random_ipv6(rng) : random_ipv4_public(rng));
  }
  p.service_accounts = {"svc-backup", "svc-etl", "svc-ci", "root", "administrator"};
  return p;
}

}  // namespace vigil::bench
