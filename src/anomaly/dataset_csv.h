// Reads the benchmark CSVs of ../shared/data/anomaly: a header
// `f0,...,f{d-1},label`, then numbers. Values parse straight to float32 (the
// files hold the shortest decimal of each float32, so this is exact). A last
// column named `label` is held out as the 0/1 anomaly label.
#pragma once

#include <filesystem>
#include <string_view>

#include "anomaly/feature_matrix.h"
#include "core/error.h"

namespace vigil::anomaly {

Result<LabelledData> read_dataset_csv(const std::filesystem::path& path);
// `name` becomes LabelledData::name and prefixes error messages.
Result<LabelledData> parse_dataset_csv(std::string_view text, std::string_view name);

}  // namespace vigil::anomaly
