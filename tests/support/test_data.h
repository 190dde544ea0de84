// Where the shared real-world data lives for tests: $VIGIL_TEST_DATA, else
// ../shared/data next to the checkout. When it is missing the test is skipped,
// unless VIGIL_REQUIRE_TEST_DATA=1 (CI), where it fails instead.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace vigil::testing {

// Empty path when the data set is absent.
std::filesystem::path test_data_dir();
bool test_data_required();
std::filesystem::path source_dir();
// A fresh empty directory under the system temp dir, removed by the caller.
std::filesystem::path make_temp_dir(const std::string& prefix);
std::string read_file(const std::filesystem::path& p);

}  // namespace vigil::testing

// Resolves `var` to $VIGIL_TEST_DATA/<sub> or skips/fails the test.
#define VIGIL_REQUIRE_DATA(var, sub)                                                \
  const std::filesystem::path var = ::vigil::testing::test_data_dir() / (sub);      \
  if (::vigil::testing::test_data_dir().empty() || !std::filesystem::exists(var)) { \
    if (::vigil::testing::test_data_required()) {                                   \
      FAIL() << "test data missing: " << (sub) << " (VIGIL_REQUIRE_TEST_DATA=1)";   \
    }                                                                               \
    GTEST_SKIP() << "test data not available: " << (sub);                           \
  }
