#include "support/vigil_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include "support/test_data.h"

namespace vigil::testing {
namespace {

std::vector<char*> argv_of(std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return argv;
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

std::filesystem::path vigil_binary() {
  if (const char* b = std::getenv("VIGIL_BINARY")) return b;
  return VIGIL_BINARY_DEFAULT;
}

VigilProcess::VigilProcess(std::vector<std::string> args, const std::filesystem::path& work_dir)
    : log_path_(work_dir / "vigil.log") {
  args.insert(args.begin(), vigil_binary().string());
  // Truncated here, not in the child: a second process in the same directory
  // (a restart) would otherwise let wait_for_port() read the previous
  // process's "(port N)" before the child gets to truncate the file.
  const int fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw std::runtime_error("cannot open " + log_path_.string());
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(fd, STDERR_FILENO);
    dup2(fd, STDOUT_FILENO);
    chdir(work_dir.c_str());
    auto argv = argv_of(args);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(fd);
}

VigilProcess::~VigilProcess() {
  if (exit_code_ < 0 && pid_ > 0) {
    terminate();
    if (wait_exit(10000) < 0) kill_hard();
  }
}

int VigilProcess::wait_for_port(int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string text = log();
    if (const auto at = text.find("(port "); at != std::string::npos) {
      return std::atoi(text.c_str() + at + 6);
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_code_ = decode_status(status);
      return 0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return 0;
}

int VigilProcess::wait_exit(int timeout_ms) {
  if (exit_code_ >= 0) return exit_code_;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) return exit_code_ = decode_status(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

void VigilProcess::kill_hard() {
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  exit_code_ = decode_status(status);
}

void VigilProcess::terminate() {
  ::kill(pid_, SIGTERM);
}

std::string VigilProcess::log() const {
  return read_file(log_path_);
}

int run_capture(const std::vector<std::string>& args_in, std::string& out,
                const std::string& stdin_data) {
  std::vector<std::string> args = args_in;
  int out_pipe[2], in_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(in_pipe) != 0) return -1;
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(in_pipe[0], STDIN_FILENO);
    close(out_pipe[0]);
    close(in_pipe[1]);
    auto argv = argv_of(args);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(in_pipe[0]);
  std::thread writer([&] {
    size_t off = 0;
    while (off < stdin_data.size()) {
      const ssize_t n = write(in_pipe[1], stdin_data.data() + off, stdin_data.size() - off);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    close(in_pipe[1]);
  });
  char buf[65536];
  ssize_t n;
  while ((n = read(out_pipe[0], buf, sizeof(buf))) > 0) out.append(buf, static_cast<size_t>(n));
  close(out_pipe[0]);
  writer.join();
  int status = 0;
  waitpid(pid, &status, 0);
  return decode_status(status);
}

int run_capture_merged(const std::vector<std::string>& args, std::string& out) {
  std::vector<std::string> shell{"/bin/sh", "-c", "exec \"$@\" 2>&1", "sh"};
  shell.insert(shell.end(), args.begin(), args.end());
  return run_capture(shell, out);
}

}  // namespace vigil::testing
