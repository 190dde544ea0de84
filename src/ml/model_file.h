// A trained model on disk: one file per model under <data_dir>/ml/, in the
// node-by-node format of scikit-learn exports (anomaly/sklearn_export.h), so
// the same reader loads both. The header comment adds what vigil needs:
//   # vigil-ml model=general schema=1 rows=4096 trained_at=1700000000
//     generation=3 max_samples_=256 offset_=-0.61 n_features=14 n_trees=100
//     held=16:0,17:0
// (`held`: the features every training row held at one value, FEATURE:VALUE,
// anomaly/unseen_values.h; absent in files of earlier versions, which then
// score without it.)
// Thresholds are written in shortest round-trip form, so a loaded model
// scores exactly as the one that was saved. Written to a temporary file,
// synced and renamed into place: a crash leaves the old model or the new one.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "anomaly/isolation_forest.h"
#include "anomaly/tree_node.h"
#include "core/error.h"

namespace vigil::ml {

struct ModelHeader {
  std::string name;  // "general" or an event type
  uint32_t schema = 0;
  uint64_t rows = 0;        // training rows
  int64_t trained_at = 0;   // seconds: wall clock, or event time on the event clock
  uint64_t generation = 0;  // trainings of this model so far
};

struct ModelFile {
  ModelHeader header;
  anomaly::IsolationForest forest;
  anomaly::UnseenValues unseen;
};

// True for names that may appear in a header and a file name: 1-64 of
// [A-Za-z0-9_.:-] (event types are such words; others get no model).
bool valid_model_name(std::string_view name);
// "general.forest", "type-login.forest".
std::string model_file_name(std::string_view name);

Result<void> write_model_file(const std::filesystem::path& path, const ModelHeader& header,
                              const std::vector<anomaly::TreeNodes>& trees, size_t n_features,
                              uint32_t max_samples, double offset,
                              const anomaly::UnseenValues& unseen = {});
Result<ModelFile> read_model_file(const std::filesystem::path& path);

// Writes `bytes` to `path` via a synced temporary file and a rename (then
// syncs the directory): a crash leaves the old file or the new one.
Result<void> write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

}  // namespace vigil::ml
