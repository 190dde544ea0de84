// A user agent string -> the device it stands for: browser family and OS
// family ("Firefox/Windows"), so an upgrade (Firefox 119 -> 120) is the same
// device. Uses uap-core's regexes.yaml (the collection every ua-parser port
// uses), compiled with RE2; patterns RE2 cannot take (look-arounds) are
// skipped and counted. Results are cached per distinct string.
#pragma once

#include <re2/re2.h>

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "core/strings.h"

namespace vigil::behavior {

struct DeviceFamilies {
  std::string browser;  // "Firefox", "Other" when unknown
  std::string os;       // "Windows", "Other" when unknown
  std::string label() const { return browser + "/" + os; }
};

class DeviceParser {
 public:
  // kConfig with the file and line when the file is missing or malformed.
  static Result<std::unique_ptr<DeviceParser>> load(const std::string& regexes_yaml);

  // Thread-safe.
  DeviceFamilies parse(std::string_view user_agent) const;
  // parse(user_agent).label(), from the cache without copying the families.
  std::string label(std::string_view user_agent) const;
  size_t skipped_patterns() const { return skipped_; }

 private:
  struct Pattern {
    std::unique_ptr<RE2> re;
    std::string replacement;  // may hold $1; empty = the first group
  };
  static std::string family(const std::vector<Pattern>& patterns, std::string_view ua);

  std::vector<Pattern> browsers_;
  std::vector<Pattern> systems_;
  size_t skipped_ = 0;
  static constexpr size_t kCacheSize = 4096;
  mutable std::mutex mu_;
  struct Cached {
    DeviceFamilies families;
    std::string label;
  };
  const Cached& lookup(std::string_view user_agent) const;  // under mu_
  mutable std::unordered_map<std::string, Cached, StringHash, std::equal_to<>> cache_;
};

}  // namespace vigil::behavior
