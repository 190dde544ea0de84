// IsolationForest's parameters with scikit-learn's meanings, including its
// "auto / int / float" parameters as small explicit types.
#pragma once

#include <cstdint>

#include "anomaly/path_length.h"

namespace vigil::anomaly {

// Rows per tree (ψ): auto = min(256, n); a count (capped at n, as sklearn
// does after a warning); or a fraction of n in (0, 1].
struct MaxSamples {
  enum class Kind : uint8_t { kAuto, kCount, kFraction };
  Kind kind = Kind::kAuto;
  double value = 0.0;

  static MaxSamples automatic() { return {}; }
  static MaxSamples count(uint32_t n) { return {Kind::kCount, static_cast<double>(n)}; }
  static MaxSamples fraction(double f) { return {Kind::kFraction, f}; }
};

// Features per tree, drawn without replacement: a count in [1, d] or a
// fraction in (0, 1] (max(1, ⌊f·d⌋)). Default: all of them.
struct MaxFeatures {
  enum class Kind : uint8_t { kCount, kFraction };
  Kind kind = Kind::kFraction;
  double value = 1.0;

  static MaxFeatures all() { return {}; }
  static MaxFeatures count(uint32_t n) { return {Kind::kCount, static_cast<double>(n)}; }
  static MaxFeatures fraction(double f) { return {Kind::kFraction, f}; }
};

// Where the decision threshold goes: auto puts the offset at −0.5 (the
// paper's score 0.5); a fraction p in (0, 0.5] puts it at the p-th percentile
// of the training scores, so about p of the training rows are flagged.
struct Contamination {
  bool automatic = true;
  double fraction = 0.0;

  static Contamination automatic_offset() { return {}; }
  static Contamination share(double p) { return {false, p}; }
};

struct IsolationForestOptions {
  uint32_t n_estimators = 100;
  MaxSamples max_samples;
  MaxFeatures max_features;
  Contamination contamination;
  bool bootstrap = false;  // sample rows with replacement
  uint64_t seed = 0;       // same seed, same data: the same forest
  PathLengthFormula path_length = PathLengthFormula::kLogApproximation;
};

}  // namespace vigil::anomaly
