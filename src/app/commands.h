// The `vigil` subcommands. Each returns the process exit code:
// 0 ok, 1 runtime error, 2 usage or configuration error.
#pragma once

#include <string>

namespace vigil {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRuntime = 1;
inline constexpr int kExitUsage = 2;

// Command-line values that override the config file (empty = not given).
struct Overrides {
  std::string config_file;
  std::string listen;
  std::string data_dir;
  std::string geoip;
};

int run_daemon(const Overrides& overrides);
struct ReplayArgs {
  std::string input;        // NDJSON file, or - for stdin
  bool no_store = false;    // process without storing events or alerts
  std::string alerts_file;  // also write the replay's alerts here as JSON lines
};
int run_replay(const Overrides& overrides, const ReplayArgs& args);
int run_check_config(const std::string& file);

}  // namespace vigil
