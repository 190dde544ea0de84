#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "alert/alert_output.h"
#include "alert/outputs/deliveries.h"
#include "support/test_data.h"

namespace vigil {
namespace {

AlertMessage message(std::string json, Severity s = Severity::kHigh) {
  return AlertMessage{std::move(json), "alert summary", s, Timestamp{1'700'000'000'123'456}};
}

size_t count_lines(const std::filesystem::path& p) {
  std::ifstream in(p);
  size_t n = 0;
  for (std::string l; std::getline(in, l);) ++n;
  return n;
}

TEST(FileDelivery, RotatesPastMaxBytesAndKeepsMaxFiles) {
  const auto dir = testing::make_temp_dir("vigil-alert-file");
  const auto path = dir / "alerts.jsonl";
  auto d = FileDelivery::open(path, /*max_bytes=*/100, /*max_files=*/2);
  ASSERT_TRUE(d) << d.error().message;
  const std::string line = R"({"alert":")" + std::string(30, 'x') + R"("})";  // 42 bytes + \n
  for (int i = 0; i < 9; ++i) ASSERT_TRUE((*d)->deliver(message(line)));
  // Two lines fit in 100 bytes: 9 lines make files of 2,2,2,2,1; two rotated kept.
  EXPECT_EQ(count_lines(path), 1u);
  EXPECT_EQ(count_lines(path.string() + ".1"), 2u);
  EXPECT_EQ(count_lines(path.string() + ".2"), 2u);
  EXPECT_FALSE(std::filesystem::exists(path.string() + ".3"));
  std::filesystem::remove_all(dir);
}

class WebhookServer {
 public:
  explicit WebhookServer(std::function<int(int attempt)> status_for_attempt)
      : status_(std::move(status_for_attempt)) {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      const int attempt = ++requests_;
      last_body_ = req.body;
      last_auth_ = req.get_header_value("Authorization");
      res.status = status_(attempt);
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~WebhookServer() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  int requests() const { return requests_; }
  std::string last_body() const { return last_body_; }
  std::string last_auth() const { return last_auth_; }

 private:
  std::function<int(int)> status_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<int> requests_{0};
  std::string last_body_, last_auth_;
};

AlertOutputConfig webhook_config(const std::string& url) {
  AlertOutputConfig c;
  c.type = "webhook";
  c.name = "hook";
  c.url = url;
  c.timeout_ms = 2000;
  c.max_retries = 3;
  c.retry_backoff_ms = 10;
  return c;
}

TEST(WebhookDelivery, RetriesServerErrorsWithBackoffUntilAccepted) {
  WebhookServer server([](int attempt) { return attempt <= 2 ? 503 : 200; });
  setenv("VIGIL_TEST_WEBHOOK_TOKEN", "s3cret-token", 1);
  auto c = webhook_config(server.url());
  c.bearer_token_env = "VIGIL_TEST_WEBHOOK_TOKEN";
  auto d = WebhookDelivery::create(c);
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_TRUE((*d)->deliver(message(R"({"id":"a1"})")));
  EXPECT_EQ(server.requests(), 3);
  EXPECT_EQ(server.last_body(), R"({"id":"a1"})");
  EXPECT_EQ(server.last_auth(), "Bearer s3cret-token");
}

TEST(WebhookDelivery, DoesNotRetryARejectedRequestAndGivesUpAfterMaxRetries) {
  WebhookServer rejecting([](int) { return 400; });
  auto d = WebhookDelivery::create(webhook_config(rejecting.url()));
  ASSERT_TRUE(d);
  EXPECT_FALSE((*d)->deliver(message("{}")));
  EXPECT_EQ(rejecting.requests(), 1);

  WebhookServer failing([](int) { return 500; });
  auto f = WebhookDelivery::create(webhook_config(failing.url()));
  ASSERT_TRUE(f);
  EXPECT_FALSE((*f)->deliver(message("{}")));
  EXPECT_EQ(failing.requests(), 4) << "one attempt and max_retries=3 retries";
}

TEST(WebhookDelivery, AMissingTokenVariableIsAConfigError) {
  auto c = webhook_config("http://127.0.0.1:1/hook");
  c.bearer_token_env = "VIGIL_TEST_NO_SUCH_VARIABLE";
  auto d = WebhookDelivery::create(c);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, ErrorCode::kConfig);
}

// A delivery that blocks until released: a destination that hangs.
class StuckDelivery : public AlertDelivery {
 public:
  bool deliver(const AlertMessage&) override {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return released_; });
    ++delivered_;
    return true;
  }
  void release() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }
  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
  int delivered_ = 0;
};

TEST(QueuedOutput, AStuckDestinationDropsAndCountsInsteadOfBlocking) {
  VigilMetrics metrics;
  auto stuck = std::make_unique<StuckDelivery>();
  StuckDelivery* raw = stuck.get();
  {
    QueuedOutput out("stuck", /*capacity=*/2, std::move(stuck), &metrics);
    auto m = std::make_shared<const AlertMessage>(message("{}"));
    for (int i = 0; i < 10; ++i) out.send(m);  // returns although nothing is delivered
    const uint32_t label = metrics.alert_output_index("stuck");
    const uint64_t dropped = metrics.alert_output_dropped.at(label).value();
    EXPECT_GE(dropped, 7u);  // at most one in delivery and two queued
    EXPECT_LE(dropped, 8u);
    raw->release();
    out.flush(std::chrono::seconds(10));
    EXPECT_EQ(metrics.alert_output_sent.at(label).value() + dropped, 10u);
  }
}

// A real UDP socket on loopback standing in for a syslog receiver.
struct Receiver {
  explicit Receiver(int type) {
    fd = socket(AF_INET, type, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    socklen_t len = sizeof(a);
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    if (type == SOCK_STREAM) listen(fd, 4);
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  ~Receiver() { close(fd); }
  int fd = -1;
  int port = 0;
};

AlertOutputConfig syslog_config(int port, const char* protocol) {
  AlertOutputConfig c;
  c.type = "syslog";
  c.name = "syslog";
  c.address = "127.0.0.1:" + std::to_string(port);
  c.protocol = protocol;
  c.facility = 13;
  return c;
}

// The parts of an RFC 5424 line: <PRI>VERSION TIMESTAMP HOST APP PROCID MSGID SD MSG.
struct SyslogLine {
  int pri = -1;
  std::vector<std::string> header;  // version, timestamp, host, app, procid, msgid, sd
  std::string msg;
};

SyslogLine parse_syslog(const std::string& line) {
  SyslogLine out;
  const size_t close = line.find('>');
  if (line.empty() || line[0] != '<' || close == std::string::npos) return out;
  out.pri = std::stoi(line.substr(1, close - 1));
  size_t pos = close + 1;
  for (int i = 0; i < 7; ++i) {
    const size_t space = line.find(' ', pos);
    if (space == std::string::npos) return SyslogLine{};
    out.header.push_back(line.substr(pos, space - pos));
    pos = space + 1;
  }
  out.msg = line.substr(pos);
  return out;
}

void expect_vigil_alert_line(const SyslogLine& l, int pri, const std::string& msg) {
  EXPECT_EQ(l.pri, pri);
  ASSERT_EQ(l.header.size(), 7u);
  EXPECT_EQ(l.header[0], "1");
  EXPECT_EQ(l.header[1], "2023-11-14T22:13:20.123Z");
  EXPECT_FALSE(l.header[2].empty());
  EXPECT_EQ(l.header[3], "vigil");
  EXPECT_EQ(l.header[4], "-");
  EXPECT_EQ(l.header[5], "alert");
  EXPECT_EQ(l.header[6], "-");
  EXPECT_EQ(l.msg, msg);
}

TEST(SyslogDelivery, SendsRfc5424OverUdp) {
  Receiver rx(SOCK_DGRAM);
  auto d = SyslogDelivery::create(syslog_config(rx.port, "udp"));
  ASSERT_TRUE(d) << d.error().message;
  ASSERT_TRUE((*d)->deliver(message(R"({"id":"a1"})", Severity::kHigh)));
  char buf[4096];
  const ssize_t n = recv(rx.fd, buf, sizeof(buf), 0);
  ASSERT_GT(n, 0);
  // Facility 13 (log audit), severity 3 (err) for a high alert.
  expect_vigil_alert_line(parse_syslog(std::string(buf, static_cast<size_t>(n))), 13 * 8 + 3,
                          R"({"id":"a1"})");
}

TEST(SyslogDelivery, FramesTcpMessagesByOctetCount) {
  Receiver rx(SOCK_STREAM);
  auto d = SyslogDelivery::create(syslog_config(rx.port, "tcp"));
  ASSERT_TRUE(d);
  ASSERT_TRUE((*d)->deliver(message(R"({"id":"a1"})", Severity::kCritical)));
  ASSERT_TRUE((*d)->deliver(message(R"({"id":"a2"})", Severity::kInfo)));
  const int conn = accept(rx.fd, nullptr, nullptr);
  ASSERT_GE(conn, 0);
  timeval tv{5, 0};
  setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  std::string stream;
  char buf[4096];
  while (stream.find("a2") == std::string::npos) {
    const ssize_t n = recv(conn, buf, sizeof(buf), 0);
    ASSERT_GT(n, 0);
    stream.append(buf, static_cast<size_t>(n));
  }
  close(conn);
  std::vector<std::string> frames;
  size_t pos = 0;
  while (pos < stream.size()) {
    const size_t space = stream.find(' ', pos);
    ASSERT_NE(space, std::string::npos);
    const size_t len = std::stoul(stream.substr(pos, space - pos));
    frames.push_back(stream.substr(space + 1, len));
    pos = space + 1 + len;
  }
  ASSERT_EQ(frames.size(), 2u);
  expect_vigil_alert_line(parse_syslog(frames[0]), 13 * 8 + 2, R"({"id":"a1"})");
  expect_vigil_alert_line(parse_syslog(frames[1]), 13 * 8 + 6, R"({"id":"a2"})");
}

}  // namespace
}  // namespace vigil
