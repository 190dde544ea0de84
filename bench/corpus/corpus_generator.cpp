#include "corpus/corpus_generator.h"

#include <algorithm>
#include <cmath>

#include "corpus/event_writers.h"
#include "corpus/messages.h"
#include "corpus/vocab.h"

namespace vigil::bench {
namespace {

constexpr int64_t kSecond = 1'000'000;
// Chance that a normal event starts an attack episode; episodes then add
// ~3% of all events, enough for every rule to fire many times per million.
constexpr double kEpisodeChance = 0.0015;
constexpr double kLateChance = 0.01;  // delivered up to two minutes late
constexpr std::string_view kSprayNames[] = {"admin", "test", "oracle", "guest", "backup", "sa"};

}  // namespace

CorpusGenerator::CorpusGenerator(const CorpusOptions& options)
    : opt_(options),
      rng_(options.seed),
      pop_(make_population(rng_, std::max<size_t>(options.users, 1), 64)),
      clock_(options.start_micros, static_cast<int64_t>(options.days * 86400.0 * kSecond),
             options.events) {
  for (auto& u : pop_.users) {
    if (u.is_admin) admins_.push_back(&u);
  }
  if (admins_.empty()) admins_.push_back(&pop_.users.front());
  for (int i = 0; i < 200; ++i) travel_ips_.push_back(random_ipv4_public(rng_));
}

User& CorpusGenerator::pick_user() {
  // A few power users produce a large share of activity, as in real logs.
  const size_t n = pop_.users.size();
  if (rng_.chance(0.3)) return pop_.users[rng_.below(std::max<size_t>(n / 20, 1))];
  return pop_.users[rng_.below(n)];
}

void CorpusGenerator::append_next(std::string& out) {
  if (pending_ < 0) pending_ = clock_.advance(rng_);
  auto due = std::min_element(episodes_.begin(), episodes_.end(), [](const auto& a, const auto& b) {
    return a.next_micros < b.next_micros;
  });
  ev_.reset();
  if (due != episodes_.end() && due->next_micros <= pending_) {
    episode_event(*due);
    if (due->remaining <= 0) episodes_.erase(due);
  } else {
    normal_event(pending_);
    maybe_start_episode(pending_);
    pending_ = -1;
  }
  compose_message(rng_, ev_);
  if (rng_.chance(opt_.ecs_fraction)) {
    write_ecs(ev_, ts_, out);
  } else {
    write_flat(ev_, ts_, out);
  }
  out.push_back('\n');
}

void CorpusGenerator::fill_actor(const User& u, bool usual_place) {
  ev_.user_name = u.name;
  ev_.user_id = u.id;
  ev_.email = u.email;
  ev_.ip = usual_place ? std::string_view(u.ip)
                       : std::string_view(rng_.pick(std::span<const std::string>(travel_ips_)));
  ev_.user_agent = u.user_agent;
  ev_.session = u.session;
  ev_.department = u.department;
  ev_.port = static_cast<uint16_t>(rng_.range(1024, 65535));
  ev_.host = pick_host(u);
}

// People log in to their own machine; one event in twenty (and any event of
// an administrator) lands on another host. With every host equally likely,
// ordinary users tripped lateral_movement (5 hosts in 10 minutes) by chance.
// One draw either way, so the rest of the stream is unchanged.
std::string_view CorpusGenerator::pick_host(const User& u) {
  const size_t hosts = vocab::kHosts.size();
  const uint64_t r = rng_.below(u.is_admin ? hosts : 20 * hosts);
  return r < hosts ? vocab::kHosts[r] : u.home_host;
}

void CorpusGenerator::normal_event(int64_t t) {
  ev_.micros = t;
  if (rng_.chance(kLateChance)) {
    ev_.micros = std::max(opt_.start_micros, t - rng_.range(kSecond, 120 * kSecond));
  }
  if (rng_.chance(0.05)) {
    static constexpr int kOffsets[] = {-300, 60, 120, 330, 540};
    ev_.offset_minutes = kOffsets[rng_.below(std::size(kOffsets))];
  }
  const double r = rng_.unit();
  ev_.kind = r < 0.30   ? Kind::kAuthSuccess
             : r < 0.38 ? Kind::kAuthFailure
             : r < 0.42 ? Kind::kPermissionChange
             : r < 0.67 ? Kind::kDataAccess
             : r < 0.89 ? Kind::kDatabaseQuery
             : r < 0.97 ? Kind::kLogout
             : r < 0.99 ? Kind::kPasswordReset
                        : Kind::kOther;
  User& u =
      ev_.kind == Kind::kPermissionChange ? *admins_[rng_.below(admins_.size())] : pick_user();
  if (ev_.kind == Kind::kAuthSuccess) u.session = "sess-" + random_hex(rng_, 16);
  fill_actor(u, rng_.chance(0.92));
  fill_kind_details();
  // Only web-facing events carry a user agent: database audit logs,
  // directory changes and host events have none.
  if (ev_.kind == Kind::kDatabaseQuery || ev_.kind == Kind::kPermissionChange ||
      ev_.kind == Kind::kOther) {
    ev_.user_agent = {};
  }
}

void CorpusGenerator::maybe_start_episode(int64_t t) {
  if (!rng_.chance(kEpisodeChance)) return;
  Episode e{};
  const double r = rng_.unit();
  e.kind = r < 0.5    ? EpisodeKind::kBruteForce
           : r < 0.75 ? EpisodeKind::kSpray
           : r < 0.9  ? EpisodeKind::kSqlInjection
                      : EpisodeKind::kExfiltration;
  e.next_micros = t + rng_.range(0, 60 * kSecond);
  e.ip = rng_.below(pop_.attacker_ips.size());
  e.user = static_cast<size_t>(&pick_user() - pop_.users.data());
  e.ends_in_success = rng_.chance(0.3);
  e.remaining = static_cast<int>(e.kind == EpisodeKind::kBruteForce     ? rng_.range(8, 40)
                                 : e.kind == EpisodeKind::kSpray        ? rng_.range(10, 60)
                                 : e.kind == EpisodeKind::kExfiltration ? rng_.range(5, 15)
                                                                        : rng_.range(5, 20));
  episodes_.push_back(e);
}

void CorpusGenerator::episode_event(Episode& e) {
  ev_.micros = e.next_micros;
  const User& target = pop_.users[e.user];
  const std::string_view attacker_ip = pop_.attacker_ips[e.ip];
  --e.remaining;
  switch (e.kind) {
    case EpisodeKind::kBruteForce:
    case EpisodeKind::kSpray: {
      const bool last = e.remaining == 0;
      const User& victim = e.kind == EpisodeKind::kSpray ? pick_user() : target;
      fill_actor(victim, true);
      if (e.kind == EpisodeKind::kSpray && rng_.chance(0.3)) {
        ev_.user_name = kSprayNames[rng_.below(std::size(kSprayNames))];
        ev_.user_id = {};
        ev_.email = {};
      }
      ev_.kind = last && e.ends_in_success ? Kind::kAuthSuccess : Kind::kAuthFailure;
      ev_.session = {};
      e.next_micros += rng_.range(kSecond / 5, 4 * kSecond);
      break;
    }
    case EpisodeKind::kSqlInjection:
      fill_actor(target, true);
      ev_.kind = Kind::kDatabaseQuery;
      e.next_micros += rng_.range(kSecond / 10, 2 * kSecond);
      break;
    case EpisodeKind::kExfiltration:
      fill_actor(target, true);
      ev_.kind = Kind::kDataAccess;
      e.next_micros += rng_.range(5 * kSecond, 90 * kSecond);
      break;
  }
  fill_kind_details();
  if (e.kind != EpisodeKind::kExfiltration) {
    ev_.ip = attacker_ip;
    ev_.user_agent = rng_.pick(vocab::kAttackerAgents);
  }
  if (e.kind == EpisodeKind::kSqlInjection) {
    ev_.query = rng_.pick(vocab::kInjections);
  } else if (e.kind == EpisodeKind::kExfiltration) {
    ev_.data_volume_bytes = static_cast<uint64_t>(rng_.range(50ll << 20, 600ll << 20));
    ev_.action = "export";
  }
}

void CorpusGenerator::set_severity(std::string_view s) {
  if (rng_.chance(0.08)) return;  // many sources send no severity at all
  if (rng_.chance(0.03)) {        // and some spell it their own way
    static constexpr std::pair<std::string_view, std::string_view> kSpellings[] = {
        {"info", "Informational"}, {"low", "LOW"}, {"medium", "warning"}, {"high", "error"}};
    for (const auto& [canonical, other] : kSpellings) {
      if (s == canonical) s = other;
    }
  }
  ev_.severity = s;
}

}  // namespace vigil::bench
