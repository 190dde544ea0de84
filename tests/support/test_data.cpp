#include "support/test_data.h"

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

namespace vigil::testing {

std::filesystem::path source_dir() {
  if (const char* s = std::getenv("VIGIL_SOURCE_DIR")) return s;
  return VIGIL_SOURCE_DIR_DEFAULT;
}

std::filesystem::path test_data_dir() {
  std::filesystem::path p;
  if (const char* s = std::getenv("VIGIL_TEST_DATA"); s && *s) {
    p = s;
  } else {
    p = source_dir() / ".." / "shared" / "data";
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(p, ec)) return {};
  return std::filesystem::canonical(p, ec);
}

bool test_data_required() {
  const char* s = std::getenv("VIGIL_REQUIRE_TEST_DATA");
  return s != nullptr && std::string(s) == "1";
}

std::filesystem::path make_temp_dir(const std::string& prefix) {
  std::random_device rd;
  for (int i = 0; i < 100; ++i) {
    auto p = std::filesystem::temp_directory_path() / (prefix + "-" + std::to_string(rd()));
    if (std::filesystem::create_directory(p)) return p;
  }
  throw std::runtime_error("cannot create a temp dir");
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace vigil::testing
