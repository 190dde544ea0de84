// vigil's Isolation Forest timings on one CSV, one thread, CSV parsing
// excluded — the protocol of bench/anomaly_sklearn_bench.py, so the two can be
// put side by side (bench/anomaly_compare.sh):
//   fit      median thread CPU time of fit (T trees, ψ = min(256, n)) over --fits seeds
//   batch    median thread CPU time over --batch-reps of one score_samples call on every
//            row, per row
//   single   median and p99 wall time of one score_sample call on one row (rows cycled),
//            and the mean thread CPU time per call: what scoring one event costs
// Prints one JSON line.
#include <fmt/format.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "anomaly/anomaly.h"

namespace {

using Clock = std::chrono::steady_clock;
using vigil::anomaly::IsolationForest;

struct Args {
  std::string data;
  uint32_t trees = 100;
  int fits = 20;
  int batch_reps = 5;
  int single_calls = 20000;
};

double seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// CPU time of this thread: on the shared, oversubscribed benchmark machines
// wall time also counts the time other processes held the core.
double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(q * static_cast<double>(v.size() - 1))];
}

bool parse_args(int argc, char** argv, Args& a) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    const char* value = argv[i + 1];
    if (key == "--data")
      a.data = value;
    else if (key == "--trees")
      a.trees = static_cast<uint32_t>(std::atoi(value));
    else if (key == "--fits")
      a.fits = std::atoi(value);
    else if (key == "--batch-reps")
      a.batch_reps = std::atoi(value);
    else if (key == "--single")
      a.single_calls = std::atoi(value);
    else
      return false;
  }
  return !a.data.empty() && argc % 2 == 1;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!parse_args(argc, argv, args)) {
    fmt::print(stderr,
               "usage: anomaly_bench --data CSV [--trees 100] [--fits 20] [--batch-reps 5] "
               "[--single 20000]\n");
    return 2;
  }
  auto data = vigil::anomaly::read_dataset_csv(args.data);
  if (!data) {
    fmt::print(stderr, "{}\n", data.error().message);
    return 1;
  }
  const auto& x = data->matrix;
  vigil::anomaly::IsolationForestOptions options;
  options.n_estimators = args.trees;

  std::vector<double> fit_s;
  std::optional<IsolationForest> forest;
  for (int seed = 0; seed < args.fits; ++seed) {
    options.seed = static_cast<uint64_t>(seed);
    const double start = thread_cpu_s();
    auto fitted = IsolationForest::fit(x, options);
    fit_s.push_back(thread_cpu_s() - start);
    if (!fitted) return 1;
    if (seed == 0) forest.emplace(std::move(*fitted));
  }

  std::vector<double> scores(x.rows), batch_s;
  for (int rep = 0; rep < args.batch_reps; ++rep) {
    const double start = thread_cpu_s();
    if (!forest->score_samples(x, scores)) return 1;
    batch_s.push_back(thread_cpu_s() - start);
  }

  // Mean CPU time per call over all calls, then wall time per call for the
  // median and tail (a per-call CPU clock read costs more than the call).
  const double loop_start = thread_cpu_s();
  double sink = 0.0;
  for (int i = 0; i < args.single_calls; ++i) {
    sink += *forest->score_sample(x.row(static_cast<size_t>(i) % x.rows));
  }
  const double single_cpu_us = 1e6 * (thread_cpu_s() - loop_start) / args.single_calls;
  std::vector<double> single_s;
  single_s.reserve(static_cast<size_t>(args.single_calls));
  for (int i = 0; i < args.single_calls; ++i) {
    const auto row = x.row(static_cast<size_t>(i) % x.rows);
    const auto start = Clock::now();
    sink += *forest->score_sample(row);
    single_s.push_back(seconds(start, Clock::now()));
  }

  fmt::print(
      "{{\"impl\":\"vigil\",\"dataset\":\"{}\",\"rows\":{},\"features\":{},\"trees\":{},"
      "\"fit_ms\":{:.3f},\"fit_ms_best\":{:.3f},\"batch_us_per_row\":{:.4f},"
      "\"batch_us_per_row_best\":{:.4f},\"single_us\":{:.3f},"
      "\"single_p99_us\":{:.3f},\"single_cpu_us\":{:.3f},\"nodes\":{},\"checksum\":{:.6f}}}\n",
      data->name, x.rows, x.cols, args.trees, 1e3 * quantile(fit_s, 0.5), 1e3 * quantile(fit_s, 0),
      1e6 * quantile(batch_s, 0.5) / static_cast<double>(x.rows),
      1e6 * quantile(batch_s, 0) / static_cast<double>(x.rows), 1e6 * quantile(single_s, 0.5),
      1e6 * quantile(single_s, 0.99), single_cpu_us, forest->forest().node_count(), sink);
  return 0;
}
