// vigil's Isolation Forest timings on one CSV, one thread, CSV parsing
// excluded — the protocol of bench/anomaly_sklearn_bench.py, so the two can be
// put side by side (bench/anomaly_compare.sh):
//   fit      median wall time of fit (T trees, ψ = min(256, n)) over --fits seeds
//   batch    median over --batch-reps of one score_samples call on every row, per row
//   single   median and p99 of one score_sample call on one row (rows cycled):
//            what scoring one event costs
// Prints one JSON line.
#include <fmt/format.h>

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
    const auto start = Clock::now();
    auto fitted = IsolationForest::fit(x, options);
    fit_s.push_back(seconds(start, Clock::now()));
    if (!fitted) return 1;
    if (seed == 0) forest.emplace(std::move(*fitted));
  }

  std::vector<double> scores(x.rows), batch_s;
  for (int rep = 0; rep < args.batch_reps; ++rep) {
    const auto start = Clock::now();
    if (!forest->score_samples(x, scores)) return 1;
    batch_s.push_back(seconds(start, Clock::now()));
  }

  std::vector<double> single_s;
  single_s.reserve(static_cast<size_t>(args.single_calls));
  double sink = 0.0;
  for (int i = 0; i < args.single_calls; ++i) {
    const auto row = x.row(static_cast<size_t>(i) % x.rows);
    const auto start = Clock::now();
    sink += *forest->score_sample(row);
    single_s.push_back(seconds(start, Clock::now()));
  }

  fmt::print(
      "{{\"impl\":\"vigil\",\"dataset\":\"{}\",\"rows\":{},\"features\":{},\"trees\":{},"
      "\"fit_ms\":{:.3f},\"batch_us_per_row\":{:.4f},\"single_us\":{:.3f},"
      "\"single_p99_us\":{:.3f},\"nodes\":{},\"checksum\":{:.6f}}}\n",
      data->name, x.rows, x.cols, args.trees, 1e3 * quantile(fit_s, 0.5),
      1e6 * quantile(batch_s, 0.5) / static_cast<double>(x.rows), 1e6 * quantile(single_s, 0.5),
      1e6 * quantile(single_s, 0.99), forest->forest().node_count(), sink);
  return 0;
}
