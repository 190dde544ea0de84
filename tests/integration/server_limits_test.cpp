// The server's defences: body limit, idle clients, refusing an open listener.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "integration/daemon_fixture.h"

namespace vigil::testing {
namespace {

TEST(ServerLimits, BodyOverTheLimitIs413AndNothingIsStored) {
  Daemon d("server:\n  max_body_bytes: 1024\n");
  ASSERT_TRUE(d.started()) << d.process().log();
  std::string body;
  while (body.size() < 4096) body += "{\"event_type\":\"padding\"}\n";
  EXPECT_EQ(d.post_ndjson(body).first, 413);
  EXPECT_EQ(d.post_ndjson("{\"event_type\":\"small\"}\n").first, 200);
  EXPECT_EQ(d.get_json("/api/v1/events")["events"].size(), 1u);
}

TEST(ServerLimits, HundredsOfIdleConnectionsDoNotStarveARealRequest) {
  Daemon d;
  ASSERT_TRUE(d.started()) << d.process().log();
  std::vector<int> idle;
  for (int i = 0; i < 300; ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(d.port()));
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0)
        << "connection " << i;
    idle.push_back(fd);
  }
  const auto start = std::chrono::steady_clock::now();
  auto [status, reply] = d.post_ndjson("{\"event_type\":\"still_served\"}\n");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(status, 200);
  // "Promptly": well under the 10 s read timeout that would free an idle slot.
  EXPECT_LT(elapsed, std::chrono::seconds(3));
  for (int fd : idle) close(fd);
}

TEST(ServerLimits, RefusesANonLoopbackListenerWithoutTokens) {
  auto dir = make_temp_dir("vigil-open");
  VigilProcess p({"run", "--listen", "0.0.0.0:0", "--data-dir", (dir / "data").string()}, dir);
  EXPECT_EQ(p.wait_exit(), 2);
  EXPECT_NE(p.log().find("auth_tokens"), std::string::npos) << p.log();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vigil::testing
