// Helpers for the feed tests: independent counts over the raw files (plain
// line scanning, no vigil code), and running an import with a fixed clock.
#pragma once

#include <filesystem>
#include <set>
#include <string>

#include "intel/feed_reader.h"

namespace vigil::intel::testing_util {

// 2025-06-01: after every sample's dates, before any default lifetime ends.
inline constexpr Timestamp kImportTime{1'748'736'000'000'000};

// Lines that are neither blank nor start with '#', ';' or "//" (grep -cv).
size_t count_data_lines(const std::filesystem::path& file);
// The distinct first whitespace/';'-separated tokens of those lines, lower-cased.
std::set<std::string> distinct_first_tokens(const std::filesystem::path& file);

FeedOptions options_for(const std::string& source);
// import_feed() that fails the test on a file-level error.
FeedReport import_or_fail(std::string_view type, const std::filesystem::path& path,
                          const FeedOptions& options);
size_t skipped(const FeedReport& r, const std::string& reason);

}  // namespace vigil::intel::testing_util
