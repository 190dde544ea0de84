#include "feed_test_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

namespace vigil::intel::testing_util {
namespace {

bool is_data(const std::string& line) {
  const auto first = line.find_first_not_of(" \t\r");
  if (first == std::string::npos) return false;
  const char c = line[first];
  return c != '#' && c != ';' && line.compare(first, 2, "//") != 0;
}

}  // namespace

size_t count_data_lines(const std::filesystem::path& file) {
  std::ifstream in(file);
  size_t n = 0;
  for (std::string line; std::getline(in, line);) n += is_data(line);
  return n;
}

std::set<std::string> distinct_first_tokens(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::set<std::string> out;
  for (std::string line; std::getline(in, line);) {
    if (!is_data(line)) continue;
    std::string token = line.substr(0, line.find_first_of(" \t\r;"));
    std::transform(token.begin(), token.end(), token.begin(), ::tolower);
    out.insert(token);
  }
  return out;
}

FeedOptions options_for(const std::string& source) {
  FeedOptions o;
  o.source = source;
  o.now = kImportTime;
  return o;
}

FeedReport import_or_fail(std::string_view type, const std::filesystem::path& path,
                          const FeedOptions& options) {
  auto r = import_feed(type, path, options);
  EXPECT_TRUE(r) << path << ": " << (r ? "" : r.error().message);
  return r ? std::move(*r) : FeedReport{};
}

size_t skipped(const FeedReport& r, const std::string& reason) {
  const auto it = r.skipped.find(reason);
  return it == r.skipped.end() ? 0 : it->second;
}

}  // namespace vigil::intel::testing_util
