// `vigil anomaly score|evaluate`: the Isolation Forest against scikit-learn.
// `score` runs a forest exported from sklearn over a CSV and prints what
// sklearn's score_samples / decision_function / predict would; `evaluate` runs
// the paper's protocol (fit and score the whole file, AUC over seeds).
#include <fmt/format.h>

#include <cstdio>

#include "anomaly/anomaly.h"
#include "app/commands.h"

namespace vigil {
namespace {

int fail(const Error& e) {
  fmt::print(stderr, "vigil anomaly: {}\n", e.message);
  return e.code == ErrorCode::kConfig ? kExitUsage : kExitRuntime;
}

void print_scores(const anomaly::IsolationForest& forest, const std::vector<double>& scores) {
  fmt::memory_buffer out;
  fmt::format_to(std::back_inserter(out), "row,score_samples,decision_function,predict\n");
  for (size_t i = 0; i < scores.size(); ++i) {
    fmt::format_to(std::back_inserter(out), "{},{},{},{}\n", i, scores[i],
                   forest.decision_from_score(scores[i]), forest.predict_from_score(scores[i]));
    if (out.size() > (1 << 16)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
}

}  // namespace

int run_anomaly_score(const std::string& forest_file, const std::string& data_file) {
  auto forest = anomaly::load_sklearn_forest(forest_file);
  if (!forest) return fail(forest.error());
  auto data = anomaly::read_dataset_csv(data_file);
  if (!data) return fail(data.error());
  std::vector<double> scores(data->matrix.rows);
  auto scored = forest->score_samples(data->matrix, scores);
  if (!scored) return fail(scored.error());
  print_scores(*forest, scores);
  return kExitOk;
}

int run_anomaly_evaluate(const AnomalyEvaluateArgs& args) {
  auto data = anomaly::read_dataset_csv(args.data);
  if (!data) return fail(data.error());
  anomaly::EvaluationOptions options;
  options.seeds = args.seeds;
  options.trees = args.trees;
  if (args.max_samples > 0) options.max_samples = anomaly::MaxSamples::count(args.max_samples);
  auto summary = anomaly::evaluate(*data, options);
  if (!summary) return fail(summary.error());
  fmt::print("{}\n", anomaly::to_json_line(*summary, options));
  return kExitOk;
}

}  // namespace vigil
