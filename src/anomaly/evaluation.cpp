#include "anomaly/evaluation.h"

#include <chrono>
#include <cmath>

#include "anomaly/isolation_forest.h"
#include "anomaly/roc_auc.h"
#include "core/json_writer.h"

namespace vigil::anomaly {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double mean(const std::vector<double>& v) {
  double sum = 0.0;
  for (const double x : v) sum += x;
  return v.empty() ? 0.0 : sum / static_cast<double>(v.size());
}

double population_sd(const std::vector<double>& v) {
  const double m = mean(v);
  double squares = 0.0;
  for (const double x : v) squares += (x - m) * (x - m);
  return v.empty() ? 0.0 : std::sqrt(squares / static_cast<double>(v.size()));
}

struct SeedResult {
  double auc, flag_rate, flag_precision, fit_s, score_s;
  bool flagged_any;
};

Result<SeedResult> run_seed(const LabelledData& data, const EvaluationOptions& options,
                            uint64_t seed, std::vector<double>& scores) {
  IsolationForestOptions forest_options;
  forest_options.n_estimators = options.trees;
  forest_options.max_samples = options.max_samples;
  forest_options.seed = seed;
  SeedResult r{};
  auto start = Clock::now();
  auto forest = IsolationForest::fit(data.matrix, forest_options);
  r.fit_s = seconds_since(start);
  if (!forest) return tl::unexpected(forest.error());
  start = Clock::now();
  auto scored = forest->score_samples(data.matrix, scores);
  r.score_s = seconds_since(start);
  if (!scored) return tl::unexpected(scored.error());
  size_t flagged = 0, flagged_anomalies = 0;
  for (size_t i = 0; i < scores.size(); ++i) {
    const bool flag = forest->predict_from_score(scores[i]) == -1;
    flagged += flag;
    flagged_anomalies += flag && data.labels[i] == 1;
    scores[i] = -scores[i];  // AUC wants higher = more anomalous
  }
  auto auc = roc_auc(scores, data.labels);
  if (!auc) return tl::unexpected(auc.error());
  r.auc = *auc;
  r.flag_rate = static_cast<double>(flagged) / static_cast<double>(scores.size());
  r.flagged_any = flagged > 0;
  r.flag_precision =
      r.flagged_any ? static_cast<double>(flagged_anomalies) / static_cast<double>(flagged) : 0.0;
  return r;
}

}  // namespace

Result<EvaluationSummary> evaluate(const LabelledData& data, const EvaluationOptions& options) {
  if (data.labels.size() != data.matrix.rows) {
    return make_error(ErrorCode::kInvalidInput, data.name + ": needs a `label` column");
  }
  if (options.seeds == 0) return make_error(ErrorCode::kConfig, "seeds must be >= 1");
  EvaluationSummary s;
  s.dataset = data.name;
  s.rows = data.matrix.rows;
  std::vector<double> scores(data.matrix.rows);
  std::vector<double> flag_rates, precisions, fits, score_times;
  for (uint32_t seed = 0; seed < options.seeds; ++seed) {
    auto r = run_seed(data, options, seed, scores);
    if (!r) return tl::unexpected(r.error());
    s.aucs.push_back(r->auc);
    flag_rates.push_back(r->flag_rate);
    if (r->flagged_any) precisions.push_back(r->flag_precision);
    fits.push_back(r->fit_s);
    score_times.push_back(r->score_s);
  }
  s.auc_mean = mean(s.aucs);
  s.auc_sd = population_sd(s.aucs);
  s.flag_rate = mean(flag_rates);
  s.flag_precision = mean(precisions);
  s.fit_s = mean(fits);
  s.score_us_per_row = 1e6 * mean(score_times) / static_cast<double>(s.rows);
  return s;
}

std::string to_json_line(const EvaluationSummary& s, const EvaluationOptions& options) {
  fmt::memory_buffer out;
  JsonObjectWriter w(out);
  w.field("dataset", s.dataset)
      .field("rows", static_cast<uint64_t>(s.rows))
      .field("auc_mean", s.auc_mean)
      .field("auc_sd", s.auc_sd)
      .field("flag_rate", s.flag_rate)
      .field("fit_s", s.fit_s)
      .field("score_us_per_row", s.score_us_per_row)
      .field("flag_precision", s.flag_precision)
      .field("seeds", static_cast<uint64_t>(options.seeds))
      .field("trees", static_cast<uint64_t>(options.trees));
  w.close();
  return fmt::to_string(out);
}

}  // namespace vigil::anomaly
