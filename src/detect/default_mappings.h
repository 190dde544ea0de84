// The field mappings shipped in rules/mappings/, compiled into the binary so
// `vigil` works without locating files at run time.
#pragma once

#include <filesystem>
#include <vector>

#include "core/error.h"
#include "detect/field_mapping.h"

namespace vigil::sigma {

// Windows first (recognized by shape), then the ECS fallback. Extra
// thor.yml-style log-source tables are merged into the Windows mapping.
Result<std::vector<FieldMapping>> default_mappings(
    const std::vector<std::filesystem::path>& windows_logsource_tables = {});

}  // namespace vigil::sigma
