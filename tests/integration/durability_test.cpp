// Acknowledged means durable: SIGKILL right after the reply loses nothing, and
// a full disk is refused (507), reported by /readyz, and recovered from.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <fstream>
#include <memory>
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
  // Most of the 2 MiB taken by a file the test deletes to give the room back, and the
  // daemon (process_) started on that disk; false when it did not come up.
  bool start_on_a_nearly_full_disk() {
    std::ofstream ballast(ballast_path(), std::ios::binary);
    const std::string chunk(64 << 10, 'x');
    for (int i = 0; i < 24; ++i) ballast << chunk;  // 1.5 MiB
    ballast.close();
    std::ofstream(dir_ / "vigil.yaml") << "storage:\n  min_free_bytes: 65536\n";
    process_ = start_daemon_in(dir_);
    port_ = process_->wait_for_port();
    return port_ > 0;
  }
  httplib::Client client() const { return httplib::Client("127.0.0.1", port_); }
  std::filesystem::path ballast_path() const { return dir_ / "data" / "ballast.bin"; }

  // Posts batches until one is refused; adds what was acknowledged. The refusal's status.
  static int fill_until_refused(httplib::Client& c, size_t& acknowledged) {
    for (int i = 0; i < 200; ++i) {
      auto res = c.Post("/api/v1/events", events(200, "fill"), "application/x-ndjson");
      if (!res) return -1;
      if (res->status != 200) {
        EXPECT_FALSE(res->get_header_value("Retry-After").empty());
        return res->status;
      }
      acknowledged += nlohmann::json::parse(res->body)["accepted"].get<size_t>();
    }
    return 200;
  }

  std::filesystem::path dir_;
  bool mounted_ = false;
  std::unique_ptr<VigilProcess> process_;
  int port_ = 0;
};

TEST_F(TinyDisk, FullDiskIsRefusedReportedAndRecovered) {
  const auto data = dir_ / "data";
  ASSERT_TRUE(start_on_a_nearly_full_disk()) << process_->log();
  auto c = client();
  size_t acknowledged = 0;
  EXPECT_EQ(fill_until_refused(c, acknowledged), 507);
  auto ready = c.Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503);
  EXPECT_NE(ready->body.find("store"), std::string::npos) << ready->body;
  // New events are refused while full, not silently dropped.
  auto again = c.Post("/api/v1/events", events(1, "while_full"), "application/x-ndjson");
  ASSERT_TRUE(again);
  EXPECT_NE(again->status, 200);

  std::filesystem::remove(ballast_path());
  bool recovered = false;
  for (int i = 0; i < 50 && !recovered; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto r = c.Post("/api/v1/events", events(10, "after"), "application/x-ndjson");
    if (r && r->status == 200) {
      acknowledged += 10;
      recovered = true;
    }
  }
  EXPECT_TRUE(recovered) << process_->log();
  process_->kill_hard();
  // Exactly what was acknowledged is stored: no false acknowledgement.
  EXPECT_EQ(count_stored_events(data), acknowledged);
}

// The shippers' endpoints under the same full disk: nothing is acknowledged that is not
// stored, and each shipper is told in its own terms to retry (Beats and Logstash retry a
// whole `_bulk` on 429 es_rejected_execution_exception; HEC clients on 503 code 9), then
// both are taken again once there is room.
TEST_F(TinyDisk, ShippersAreToldToRetryWhileTheDiskIsFull) {
  const auto data = dir_ / "data";
  ASSERT_TRUE(start_on_a_nearly_full_disk()) << process_->log();
  auto c = client();
  size_t acknowledged = 0;
  ASSERT_EQ(fill_until_refused(c, acknowledged), 507) << process_->log();

  const std::string bulk =
      "{\"create\":{\"_index\":\"filebeat-8.11.0\"}}\n"
      "{\"@timestamp\":\"2024-05-01T08:00:00Z\",\"message\":\"while full\"}\n";
  auto bulk_full = c.Post("/_bulk", bulk, "application/x-ndjson");
  ASSERT_TRUE(bulk_full);
  EXPECT_EQ(bulk_full->status, 429) << bulk_full->body;
  EXPECT_FALSE(bulk_full->get_header_value("Retry-After").empty());
  const auto bulk_reply = nlohmann::json::parse(bulk_full->body, nullptr, false);
  ASSERT_TRUE(bulk_reply.is_object()) << bulk_full->body;
  EXPECT_EQ(bulk_reply["error"]["type"], "es_rejected_execution_exception") << bulk_full->body;
  EXPECT_EQ(bulk_reply["status"], 429);

  const std::string hec = R"({"time":1714550400,"event":"while full"})";
  auto hec_full = c.Post("/services/collector/event", hec, "application/json");
  ASSERT_TRUE(hec_full);
  EXPECT_EQ(hec_full->status, 503) << hec_full->body;
  EXPECT_EQ(nlohmann::json::parse(hec_full->body, nullptr, false),
            nlohmann::json::parse(R"({"text":"Server is busy","code":9})"));

  std::filesystem::remove(ballast_path());
  bool bulk_taken = false, hec_taken = false;
  for (int i = 0; i < 50 && !(bulk_taken && hec_taken); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (!bulk_taken) {
      auto r = c.Post("/_bulk", bulk, "application/x-ndjson");
      if (r && r->status == 200) {
        const auto reply = nlohmann::json::parse(r->body, nullptr, false);
        EXPECT_EQ(reply["errors"], false) << r->body;
        bulk_taken = true;
        ++acknowledged;
      }
    }
    if (bulk_taken && !hec_taken) {
      auto r = c.Post("/services/collector/event", hec, "application/json");
      if (r && r->status == 200) {
        hec_taken = true;
        ++acknowledged;
      }
    }
  }
  EXPECT_TRUE(bulk_taken && hec_taken) << process_->log();
  process_->kill_hard();
  EXPECT_EQ(count_stored_events(data), acknowledged);
}

}  // namespace
}  // namespace vigil::testing
