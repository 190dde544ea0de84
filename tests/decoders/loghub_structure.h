// Reading loghub's own structured parse of its samples (the *_structured.csv
// next to each log): expected values that come from the data's publishers,
// not from vigil. Also small raw-file helpers for the real-sample tests.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vigil::testing {

// RFC 4180 CSV: the header row's names -> each row's values.
std::vector<std::map<std::string, std::string>> read_csv_rows(const std::filesystem::path& file);

// Matches `content` against a loghub template ("Failed password for <*> from
// <*> port <*> ssh2"); returns the values of the <*> in order.
std::optional<std::vector<std::string>> match_template(const std::string& tmpl,
                                                       const std::string& content);

// The lines of a file (gzip read transparently), without line ends.
std::vector<std::string> read_lines(const std::filesystem::path& file);
std::string read_maybe_gz(const std::filesystem::path& file);

}  // namespace vigil::testing
