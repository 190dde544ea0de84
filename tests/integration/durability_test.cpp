// Acknowledged means durable: SIGKILL right after the reply loses nothing, and
// a full disk is refused (507), reported by /readyz, and recovered from.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "integration/daemon_fixture.h"

namespace vigil::testing {
namespace {

std::string events(int n, const std::string& type) {
  std::string body;
  for (int i = 0; i < n; ++i) {
    body += R"({"timestamp":"2024-05-01T08:00:00Z","event_type":")" + type + R"(","n":)" +
            std::to_string(i) + "}\n";
  }
  return body;
}

TEST(Durability, AcknowledgedEventsSurviveSigkill) {
  Daemon d;
  ASSERT_TRUE(d.started()) << d.process().log();
  size_t acknowledged = 0;
  for (int round = 0; round < 5; ++round) {
    auto [status, reply] = d.post_ndjson(events(200, "durable"));
    ASSERT_EQ(status, 200);
    acknowledged += reply["accepted"].get<size_t>();
  }
  d.process().kill_hard();  // no shutdown path runs
  EXPECT_EQ(count_stored_events(d.data_dir()), acknowledged);
}

class TinyDisk : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "mounting a small tmpfs needs root";
    dir_ = make_temp_dir("vigil-full");
    std::filesystem::create_directories(dir_ / "data");
    ASSERT_EQ(mount("tmpfs", (dir_ / "data").c_str(), "tmpfs", 0, "size=2m"), 0) << strerror(errno);
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) umount2((dir_ / "data").c_str(), MNT_DETACH);
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  bool mounted_ = false;
};

TEST_F(TinyDisk, FullDiskIsRefusedReportedAndRecovered) {
  const auto data = dir_ / "data";
  // Fill most of the space with a ballast file the test can delete later.
  {
    std::ofstream ballast(data / "ballast.bin", std::ios::binary);
    const std::string chunk(64 << 10, 'x');
    for (int i = 0; i < 24; ++i) ballast << chunk;  // 1.5 MiB
  }
  std::ofstream(dir_ / "vigil.yaml") << "storage:\n  min_free_bytes: 65536\n";
  VigilProcess p({"run", "--listen", "127.0.0.1:0", "--data-dir", data.string(), "--config",
                  (dir_ / "vigil.yaml").string()},
                 dir_);
  const int port = p.wait_for_port();
  ASSERT_GT(port, 0) << p.log();
  httplib::Client c("127.0.0.1", port);
  size_t acknowledged = 0;
  int refused_status = 0;
  for (int i = 0; i < 200 && refused_status == 0; ++i) {
    auto res = c.Post("/api/v1/events", events(200, "fill"), "application/x-ndjson");
    ASSERT_TRUE(res);
    if (res->status == 200) {
      acknowledged += nlohmann::json::parse(res->body)["accepted"].get<size_t>();
    } else {
      refused_status = res->status;
      EXPECT_FALSE(res->get_header_value("Retry-After").empty());
    }
  }
  EXPECT_EQ(refused_status, 507);
  auto ready = c.Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503);
  EXPECT_NE(ready->body.find("store"), std::string::npos) << ready->body;
  // New events are refused while full, not silently dropped.
  auto again = c.Post("/api/v1/events", events(1, "while_full"), "application/x-ndjson");
  ASSERT_TRUE(again);
  EXPECT_NE(again->status, 200);

  std::filesystem::remove(data / "ballast.bin");
  bool recovered = false;
  for (int i = 0; i < 50 && !recovered; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto r = c.Post("/api/v1/events", events(10, "after"), "application/x-ndjson");
    if (r && r->status == 200) {
      acknowledged += 10;
      recovered = true;
    }
  }
  EXPECT_TRUE(recovered) << p.log();
  p.kill_hard();
  // Exactly what was acknowledged is stored: no false acknowledgement.
  EXPECT_EQ(count_stored_events(data), acknowledged);
}

}  // namespace
}  // namespace vigil::testing
