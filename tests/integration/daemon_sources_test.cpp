// The daemon's own wiring of `sources:` (run_command's start-up), end to end: a file
// source configured in YAML follows a growing auth.log, its events reach the store
// decoded, and its position survives a restart (neither skipped nor repeated lines).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>

#include "integration/daemon_fixture.h"

namespace vigil::testing {
namespace {

// auth.log lines as sshd writes them; `n` names the user so each line is told apart.
std::string failed_login(int n) {
  return "Nov 20 10:00:" + std::to_string(10 + n) +
         " web-01 sshd[4242]: Failed password for invalid user user" + std::to_string(n) +
         " from 203.0.113.7 port " + std::to_string(40000 + n) + " ssh2\n";
}

void append(const std::filesystem::path& file, int first, int count) {
  std::ofstream out(file, std::ios::app);
  for (int n = first; n < first + count; ++n) out << failed_login(n);
}

class DaemonWithAFileSource : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir("vigil-sources");
    log_ = dir_ / "auth.log";
    std::ofstream(dir_ / "vigil.yaml") << "sources:\n"
                                          "  - type: file\n"
                                          "    name: auth\n"
                                          "    paths: ["
                                       << log_.string()
                                       << "]\n"
                                          "    decoder: auth\n"
                                          "    poll_interval_ms: 50\n";
  }
  void TearDown() override {
    process_.reset();
    std::filesystem::remove_all(dir_);
  }
  bool start() {
    process_ = start_daemon_in(dir_);
    port_ = process_->wait_for_port();
    return port_ > 0;
  }
  void stop() {
    process_->terminate();
    EXPECT_EQ(process_->wait_exit(), 0) << process_->log();
  }
  // The user names of the stored events once `count` are there (or after `wait_ms`).
  std::vector<std::string> users_when(size_t count, int wait_ms = 15000) const {
    httplib::Client c("127.0.0.1", port_);
    std::vector<std::string> users;
    for (int waited = 0; waited <= wait_ms; waited += 50) {
      auto res = c.Get("/api/v1/events?limit=1000");
      if (res && res->status == 200) {
        users.clear();
        const auto page = nlohmann::json::parse(res->body);
        for (const auto& e : page["events"]) {
          EXPECT_EQ(e["event"]["outcome"], "failure") << e.dump();
          EXPECT_EQ(e["source"]["port"].is_number(), true) << e.dump();
          users.push_back(e["user"]["name"].get<std::string>());
        }
        if (users.size() >= count) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::sort(users.begin(), users.end());
    return users;
  }
  static std::vector<std::string> users(int first, int count) {
    std::vector<std::string> out;
    for (int n = first; n < first + count; ++n) out.push_back("user" + std::to_string(n));
    std::sort(out.begin(), out.end());
    return out;
  }

  std::filesystem::path dir_, log_;
  std::unique_ptr<VigilProcess> process_;
  int port_ = 0;
};

TEST_F(DaemonWithAFileSource, FollowsTheFileAndResumesWhereItStoppedAfterARestart) {
  append(log_, 0, 3);
  ASSERT_TRUE(start()) << process_->log();
  EXPECT_EQ(users_when(3), users(0, 3));
  append(log_, 3, 2);  // while running: followed
  EXPECT_EQ(users_when(5), users(0, 5));
  stop();

  append(log_, 5, 2);  // while stopped: read after the restart, once
  ASSERT_TRUE(start()) << process_->log();
  EXPECT_EQ(users_when(7), users(0, 7));
  // Nothing read twice: twenty more polls of the source, and still seven.
  EXPECT_EQ(users_when(8, 1000), users(0, 7));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "data" / "sources" / "auth.positions"));
  stop();
}

}  // namespace
}  // namespace vigil::testing
