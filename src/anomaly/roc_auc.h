// ROC AUC as the Mann–Whitney statistic: the probability that a random
// anomaly scores above a random normal row, ties counting one half (average
// ranks), which is what sklearn.metrics.roc_auc_score computes.
#pragma once

#include <cstdint>
#include <span>

#include "core/error.h"

namespace vigil::anomaly {

// `scores`: higher = more anomalous; `labels`: 1 = anomaly, 0 = normal.
// An error when either class is missing (AUC undefined).
Result<double> roc_auc(std::span<const double> scores, std::span<const int8_t> labels);

}  // namespace vigil::anomaly
