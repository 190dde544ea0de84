// gen_corpus: writes a deterministic NDJSON corpus of security events.
//   gen_corpus --events N --seed S [--days D] [--start 2024-01-01] [--ecs-fraction F]
//              [--users U] [--output FILE] [--stats]  > file.ndjson
// Same arguments, same bytes: benchmark figures can name the corpus by its
// arguments instead of shipping gigabytes.
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

#include "corpus/clock.h"
#include "corpus/corpus_generator.h"

namespace {

constexpr size_t kFlushBytes = 1 << 20;

[[noreturn]] void usage(int code) {
  std::fputs(
      "usage: gen_corpus --events N --seed S [--days D] [--start YYYY-MM-DD[THH:MM:SSZ]]\n"
      "                  [--ecs-fraction F] [--users U] [--output FILE] [--stats]\n",
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

}  // namespace

int main(int argc, char** argv) {
  vigil::bench::CorpusOptions opt;
  const char* output = nullptr;
  bool stats = false;
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
    } else if (a == "--days" && has_value && parse_double(argv[++i], opt.days) && opt.days > 0) {
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
