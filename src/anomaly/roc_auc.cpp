#include "anomaly/roc_auc.h"

#include <algorithm>
#include <numeric>
#include <vector>

namespace vigil::anomaly {

Result<double> roc_auc(std::span<const double> scores, std::span<const int8_t> labels) {
  if (scores.size() != labels.size()) {
    return make_error(ErrorCode::kInvalidInput, "scores and labels differ in length");
  }
  std::vector<uint32_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return scores[a] < scores[b]; });
  // Sum of the anomalies' ranks (1-based), each tie group sharing its mean rank.
  double positive_rank_sum = 0.0;
  size_t positives = 0;
  for (size_t start = 0; start < order.size();) {
    size_t end = start + 1;
    while (end < order.size() && scores[order[end]] == scores[order[start]]) ++end;
    const double mean_rank = 0.5 * static_cast<double>(start + 1 + end);
    for (size_t k = start; k < end; ++k) {
      if (labels[order[k]] == 1) {
        positive_rank_sum += mean_rank;
        ++positives;
      }
    }
    start = end;
  }
  const size_t negatives = scores.size() - positives;
  if (positives == 0 || negatives == 0) {
    return make_error(ErrorCode::kInvalidInput, "AUC needs both anomalies and normal rows");
  }
  const auto p = static_cast<double>(positives);
  return (positive_rank_sum - p * (p + 1.0) / 2.0) / (p * static_cast<double>(negatives));
}

}  // namespace vigil::anomaly
