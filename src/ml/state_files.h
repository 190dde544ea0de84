// What the detector learned besides its models, at rest under <data_dir>/ml/
// so that a restart keeps it: each model's reservoir of training rows
// (`general.rows`, `type-<event type>.rows`: feature numbers only) and the
// entity histories (`entities.bin`: per entity its pseudonym, the
// sanitizer's keyed HMAC, and hashes and counters, no raw identifier).
// Binary, little-endian, written atomically like the model files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "anomaly/feature_matrix.h"
#include "core/error.h"

namespace vigil::ml {

// "general.rows", "type-login.rows".
std::string rows_file_name(std::string_view model);

struct RowsFile {
  std::string model;
  uint32_t schema = 0;
  anomaly::FeatureMatrix rows;
  uint64_t seen = 0;  // rows the reservoir had been offered
};

Result<void> write_rows_file(const std::filesystem::path& path, const RowsFile& file);
// kInvalidInput naming the file when it is not a complete rows file.
Result<RowsFile> read_rows_file(const std::filesystem::path& path);

inline constexpr std::string_view kEntitiesFile = "entities.bin";

// The whole of a state file (kIo naming it when it cannot be read).
Result<std::string> read_state_file(const std::filesystem::path& path);

}  // namespace vigil::ml
