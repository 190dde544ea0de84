// Values a forest could not see. A tree splits a feature only between the
// smallest and largest value its node's rows hold, so a feature that every
// training row held at one value is never split on: a row with any other
// value there walks the trees as if it held the constant, and scores like a
// normal row however new that value is (the first "impossible travel" of a
// model trained only on plausible speeds, the first new device).
//
// What the forest would have done had the row been among its training rows:
// at every node on the row's path the grower picks one of the features that
// vary among the node's rows; the row's k unseen features now vary, and a
// split on any of them (threshold between the constant and the row's value)
// isolates the row at once. So at each node the row is split off with
// probability p = k / (d + k), d the features that vary in training, and
// otherwise follows the tree's own split. Per tree of leaf depth D and leaf
// path length L, the expected path length is
//   E = Σ_{j<D} (j + 1) · p · (1 − p)^j + (1 − p)^D · L,
// equal to L when k = 0: rows with no unseen value score exactly as before
// (scikit-learn parity is untouched), and the cut set on training rows
// applies unchanged. d is taken over the whole training sample; deeper nodes
// vary in fewer features, so p is if anything understated.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "anomaly/feature_matrix.h"
#include "core/error.h"

namespace vigil::anomaly {

class UnseenValues {
 public:
  struct Held {
    uint32_t feature = 0;
    float value = 0;
  };

  UnseenValues() = default;  // knows of no held feature: every score as the trees give it
  // The features every row of `x` holds at one value.
  static UnseenValues of_training_rows(const FeatureMatrix& x);
  // Held features as listed (features < n_features, each once).
  static Result<UnseenValues> from_held(std::vector<Held> held, size_t n_features);

  std::span<const Held> held() const { return held_; }
  // The features of `row` that differ from their held value, appended to `out`.
  void unseen_in(std::span<const float> row, std::vector<uint32_t>& out) const;
  // p above for k unseen features (0 when k = 0).
  double split_off_chance(size_t k) const;

  // "3:0,16:0.5" and back (model files); "" for none.
  std::string to_text() const;
  static Result<UnseenValues> from_text(std::string_view text, size_t n_features);

 private:
  std::vector<Held> held_;
  size_t n_features_ = 0;
};

}  // namespace vigil::anomaly
