// Produces the benchmark corpus one NDJSON line at a time: normal activity
// of a fixed user population, interleaved with attack episodes (brute
// force, password spraying, SQL injection scans, bulk exfiltration) that
// vigil's rules should fire on. Same options + seed = same bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "corpus/clock.h"
#include "corpus/population.h"
#include "corpus/rng.h"
#include "corpus/synthetic_event.h"

namespace vigil::bench {

struct CorpusOptions {
  uint64_t events = 1'000'000;
  uint64_t seed = 42;
  double days = 1.0;
  int64_t start_micros = 1'704'067'200'000'000;  // 2024-01-01T00:00:00Z
  double ecs_fraction = 0.2;                     // share of events written as ECS
  size_t users = 2000;
};

class CorpusGenerator {
 public:
  explicit CorpusGenerator(const CorpusOptions& options);

  // Appends the next event followed by '\n'.
  void append_next(std::string& out);

 private:
  enum class EpisodeKind : uint8_t { kBruteForce, kSpray, kSqlInjection, kExfiltration };
  struct Episode {
    EpisodeKind kind;
    int64_t next_micros;
    int remaining;
    size_t ip;    // index into attacker_ips (or the insider's user index)
    size_t user;  // target / insider
    bool ends_in_success;
  };

  void normal_event(int64_t t);
  void episode_event(Episode& e);
  void maybe_start_episode(int64_t t);
  void fill_actor(const User& u, bool usual_place);
  std::string_view pick_host(const User& u);
  void fill_kind_details();
  void set_severity(std::string_view s);
  User& pick_user();

  CorpusOptions opt_;
  Rng rng_;
  Population pop_;
  std::vector<User*> admins_;
  std::vector<std::string> travel_ips_;
  EventClock clock_;
  TimestampFormatter ts_;
  SyntheticEvent ev_;
  std::vector<Episode> episodes_;
  int64_t pending_ = -1;  // time of the next normal event, once drawn
};

}  // namespace vigil::bench
