// gen_corpus: writes a deterministic NDJSON corpus of security events.
//   gen_corpus --events N --seed S [--days D] [--start 2024-01-01] [--ecs-fraction F]
//              [--users U] [--output FILE] [--stats]  > file.ndjson
//   gen_corpus --scenario behavior --labels FILE [--seed S] [--users U] [--days D] [--output FILE]
//     the behavioural benchmark (corpus/behavior_scenario.h): normal habits plus
//     labelled anomalies; FILE gets one "event_id<TAB>anomaly_type" line per anomaly.
// Same arguments, same bytes: benchmark figures can name the corpus by its
// arguments instead of shipping gigabytes.
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

#include "corpus/behavior_scenario.h"
#include "corpus/clock.h"
#include "corpus/corpus_generator.h"

namespace {

constexpr size_t kFlushBytes = 1 << 20;

[[noreturn]] void usage(int code) {
  std::fputs(
      "usage: gen_corpus --events N --seed S [--days D] [--start YYYY-MM-DD[THH:MM:SSZ]]\n"
      "                  [--ecs-fraction F] [--users U] [--output FILE] [--stats]\n"
      "       gen_corpus --scenario behavior --labels FILE [--seed S] [--users U] [--days D]\n"
      "                  [--output FILE]\n",
      code == 0 ? stdout : stderr);
  std::exit(code);
}

bool parse_u64(const char* s, uint64_t& out) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || s[0] == '-') return false;
  out = v;
  return true;
}

bool parse_double(const char* s, double& out) {
  char* end = nullptr;
  out = std::strtod(s, &end);
  return end != s && *end == '\0';
}

// The behavioural scenario is small (events per user and day are fixed): it
// is built in memory, sorted by time and written at once.
int write_behavior_scenario(const vigil::bench::CorpusOptions& opt, bool users_set,
                            const char* output, const char* labels) {
  vigil::bench::BehaviorScenarioOptions b;
  b.seed = opt.seed;
  if (users_set) b.users = opt.users;
  b.days = static_cast<int>(opt.days);
  b.start_micros = opt.start_micros;
  if (b.days <= b.learning_days) {
    std::fprintf(stderr, "gen_corpus: --days must exceed the %d learning days\n", b.learning_days);
    return 2;
  }
  std::FILE* out = output ? std::fopen(output, "wb") : stdout;
  std::FILE* lab = std::fopen(labels, "wb");
  if (!out || !lab) {
    std::fprintf(stderr, "gen_corpus: cannot open %s: %s\n", !out ? output : labels,
                 std::strerror(errno));
    return 1;
  }
  for (const auto& line : vigil::bench::make_behavior_scenario(b)) {
    std::fputs(line.json.c_str(), out);
    std::fputc('\n', out);
    if (!line.label.empty())
      std::fprintf(lab, "%s\t%s\n", line.event_id.c_str(), line.label.c_str());
  }
  const bool ok =
      std::fflush(out) == 0 && std::fclose(lab) == 0 && (!output || std::fclose(out) == 0);
  if (!ok) std::fprintf(stderr, "gen_corpus: write failed: %s\n", std::strerror(errno));
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  vigil::bench::CorpusOptions opt;
  const char* output = nullptr;
  const char* labels = nullptr;
  std::string_view scenario = "default";
  bool stats = false;
  bool users_set = false;
  bool days_set = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    const bool has_value = i + 1 < argc;
    uint64_t u = 0;
    if (a == "--help" || a == "-h") usage(0);
    if (a == "--stats") {
      stats = true;
    } else if (a == "--events" && has_value && parse_u64(argv[++i], u)) {
      opt.events = u;
    } else if (a == "--seed" && has_value && parse_u64(argv[++i], u)) {
      opt.seed = u;
    } else if (a == "--users" && has_value && parse_u64(argv[++i], u) && u > 0) {
      opt.users = u;
      users_set = true;
    } else if (a == "--days" && has_value && parse_double(argv[++i], opt.days) && opt.days > 0) {
      days_set = true;
    } else if (a == "--scenario" && has_value) {
      scenario = argv[++i];
      if (scenario != "default" && scenario != "behavior") usage(2);
    } else if (a == "--labels" && has_value) {
      labels = argv[++i];
    } else if (a == "--ecs-fraction" && has_value && parse_double(argv[++i], opt.ecs_fraction) &&
               opt.ecs_fraction >= 0 && opt.ecs_fraction <= 1) {
    } else if (a == "--start" && has_value) {
      opt.start_micros = vigil::bench::parse_start_micros(argv[++i]);
      if (opt.start_micros < 0) usage(2);
    } else if (a == "--output" && has_value) {
      output = argv[++i];
    } else {
      std::fprintf(stderr, "gen_corpus: bad argument: %s\n", argv[i]);
      usage(2);
    }
  }

  if (scenario == "behavior") {
    if (labels == nullptr) usage(2);
    if (!days_set) opt.days = 28;
    return write_behavior_scenario(opt, users_set, output, labels);
  }
  if (labels != nullptr) usage(2);  // only the behavioural scenario has labels
  std::FILE* out = output ? std::fopen(output, "wb") : stdout;
  if (!out) {
    std::fprintf(stderr, "gen_corpus: cannot open %s: %s\n", output, std::strerror(errno));
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  vigil::bench::CorpusGenerator gen(opt);
  std::string buf;
  buf.reserve(kFlushBytes + 64 * 1024);
  uint64_t bytes = 0;
  for (uint64_t n = 0; n < opt.events; ++n) {
    gen.append_next(buf);
    if (buf.size() >= kFlushBytes || n + 1 == opt.events) {
      if (std::fwrite(buf.data(), 1, buf.size(), out) != buf.size()) {
        std::fprintf(stderr, "gen_corpus: write failed: %s\n", std::strerror(errno));
        return 1;
      }
      bytes += buf.size();
      buf.clear();
    }
  }
  if (std::fflush(out) != 0 || (output && std::fclose(out) != 0)) {
    std::fprintf(stderr, "gen_corpus: write failed: %s\n", std::strerror(errno));
    return 1;
  }
  if (stats) {
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double cpu = static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
    std::fprintf(stderr,
                 "{\"events\":%llu,\"bytes\":%llu,\"seconds\":%.3f,\"events_per_s\":%.0f,"
                 "\"cpu_seconds\":%.3f,\"avg_event_bytes\":%.1f}\n",
                 static_cast<unsigned long long>(opt.events),
                 static_cast<unsigned long long>(bytes), s,
                 s > 0 ? static_cast<double>(opt.events) / s : 0.0, cpu,
                 opt.events ? static_cast<double>(bytes) / static_cast<double>(opt.events) : 0.0);
  }
  return 0;
}
