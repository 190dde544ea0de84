// Starts the real `vigil` binary for integration tests, on an ephemeral
// port, and stops it (SIGTERM, or SIGKILL when a test asks) at the end.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace vigil::testing {

std::filesystem::path vigil_binary();

class VigilProcess {
 public:
  // Runs `vigil <args...>` with stderr captured to a log file in `work_dir`.
  VigilProcess(std::vector<std::string> args, const std::filesystem::path& work_dir);
  ~VigilProcess();

  // For `run`: waits until the log says which port it listens on; 0 on failure.
  int wait_for_port(int timeout_ms = 15000);
  // Waits for the process to exit; returns its exit code (or 128+signal).
  int wait_exit(int timeout_ms = 15000);
  void kill_hard();  // SIGKILL: no shutdown, no flush
  void terminate();  // SIGTERM
  std::string log() const;
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::filesystem::path log_path_;
  int exit_code_ = -1;
};

// Runs a command to completion, capturing stdout; returns the exit code.
int run_capture(const std::vector<std::string>& args, std::string& out,
                const std::string& stdin_data = "");
// The same with stderr merged into `out`, for tests of error messages.
int run_capture_merged(const std::vector<std::string>& args, std::string& out);

}  // namespace vigil::testing
