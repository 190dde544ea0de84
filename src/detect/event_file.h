// Reads the events of a test or back-test file: NDJSON, one JSON array of
// objects, or JSON objects concatenated one after another (SigmaHQ's
// regression files hold several pretty-printed objects back to back).
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/value.h"

namespace vigil::sigma {

Result<std::vector<Value>> parse_events(std::string_view text);
Result<std::vector<Value>> read_events(const std::filesystem::path& file);

}  // namespace vigil::sigma
