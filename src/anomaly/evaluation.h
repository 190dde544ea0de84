// The Isolation Forest paper's protocol on a labelled data set: fit on all
// rows (labels held out), score the same rows, ROC AUC of −score_samples,
// repeated over seeds 0..N−1. What `vigil anomaly evaluate` prints and what
// the quality test compares with scikit-learn's reference figures.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "anomaly/feature_matrix.h"
#include "anomaly/options.h"
#include "core/error.h"

namespace vigil::anomaly {

struct EvaluationOptions {
  uint32_t seeds = 10;
  uint32_t trees = 100;
  MaxSamples max_samples;
};

struct EvaluationSummary {
  std::string dataset;
  size_t rows = 0;
  std::vector<double> aucs;  // per seed
  double auc_mean = 0.0;
  double auc_sd = 0.0;            // population sd (ddof = 0), as the reference TSV
  double flag_rate = 0.0;         // share with predict = −1 (offset −0.5), mean over seeds
  double flag_precision = 0.0;    // anomalies among the flagged, mean over seeds that flag any
  double fit_s = 0.0;             // mean wall time of one fit
  double score_us_per_row = 0.0;  // mean batch scoring time per row
};

Result<EvaluationSummary> evaluate(const LabelledData& data, const EvaluationOptions& options);

// {"dataset":...,"rows":...,"auc_mean":...,"auc_sd":...,"flag_rate":...,"fit_s":...,
//  "score_us_per_row":...,"flag_precision":...,"seeds":...,"trees":...}
std::string to_json_line(const EvaluationSummary& summary, const EvaluationOptions& options);

}  // namespace vigil::anomaly
