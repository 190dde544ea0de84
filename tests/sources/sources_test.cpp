// The file and syslog sources against the real pipeline: real files with
// rotation while writing, real loopback sockets fed by util-linux `logger`
// and by a TCP client writing RFC 6587 frames.
#include "sources/sources.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "core/field_path.h"
#include "metrics/registry.h"
#include "sources/line_batch.h"
#include "support/detect_stages.h"
#include "support/test_data.h"

namespace vigil {
namespace {

namespace fs = std::filesystem;

// Sees every event the workers process (a real Detector of the pipeline).
class Recorder final : public Detector {
 public:
  std::string_view name() const override { return "recorder"; }
  void on_event(Event& e, AlertSink&) override {
    std::lock_guard lock(mutex_);
    docs_.push_back(e.doc);
  }
  std::vector<Value> docs() {
    std::lock_guard lock(mutex_);
    return docs_;
  }
  // Waits until `n` events arrived (or 10 s passed).
  std::vector<Value> wait_for(size_t n) {
    for (int i = 0; i < 200; ++i) {
      if (docs().size() >= n) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return docs();
  }

 private:
  std::mutex mutex_;
  std::vector<Value> docs_;
};

// Holds every worker at the first event until opened: the pipeline's queue
// then fills, which is how a slow store or detector looks to a source.
class Gate final : public Detector {
 public:
  std::string_view name() const override { return "gate"; }
  void on_event(Event&, AlertSink&) override {
    std::unique_lock lock(mutex_);
    opened_.wait(lock, [this] { return open_; });
  }
  void open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    opened_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = false;
};

std::string field(const Value& doc, std::string_view path) {
  const Value* v = FieldPath(path).find(doc);
  if (v == nullptr) return "<absent>";
  if (v->is_string()) return v->as_string();
  if (v->kind() == Value::Kind::kInt) return std::to_string(v->as_int());
  return "<other>";
}

class SourcesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::make_temp_dir("vigil-sources");
    config_ = default_config();
    config_.pipeline.workers = 1;  // one worker keeps arrival order
    start_pipeline();
  }
  void TearDown() override {
    if (gate_) gate_->open();
    pipeline_->shutdown();
    fs::remove_all(dir_);
  }

  // A pipeline with a queue of `queue_events`, its worker held at a closed
  // gate_ when `gated`.
  void start_pipeline(uint64_t queue_events = 65536, bool gated = false) {
    if (pipeline_) pipeline_->shutdown();
    config_.ingest.queue_capacity = queue_events;
    Stages stages = testing::stages_with(config_, recorder_, alerts_);
    if (gated) {
      gate_ = std::make_shared<Gate>();
      stages.detectors.insert(stages.detectors.begin(), gate_);
    }
    pipeline_ = std::make_unique<Pipeline>(config_, std::move(stages), nullptr);
  }

  std::unique_ptr<Source> file_source(const std::string& glob, const std::string& decoder) {
    SourceConfig s;
    s.type = "file";
    s.name = "files";
    s.decoder = decoder;
    s.paths = {(dir_ / glob).string()};
    s.poll_interval_ms = 20;
    auto src = start_file_source(s, *pipeline_, (dir_ / "state").string());
    EXPECT_TRUE(src.has_value());
    return std::move(*src);
  }

  fs::path dir_;
  Config config_;
  std::shared_ptr<Recorder> recorder_ = std::make_shared<Recorder>();
  std::shared_ptr<Gate> gate_;
  testing::DiscardingAlertSink alerts_;
  std::unique_ptr<Pipeline> pipeline_;
};

void append(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::app | std::ios::binary);
  out << text;
}

std::string sshd_line(int i) {
  return "Jan  5 10:00:" + std::string(i < 10 ? "0" : "") + std::to_string(i) +
         " host sshd[1]: Failed password for u" + std::to_string(i) +
         " from 10.0.0.1 port 22 ssh2\n";
}

TEST(LineBatch, RawLineEndsInsideAMessageAreEscapedAndBatchesStartEmpty) {
  LineBatch batch("sshd", 3);
  batch.add("plain");
  batch.add("a\nb\r\nc\r");
  EXPECT_FALSE(batch.full());
  batch.add("\n");
  EXPECT_TRUE(batch.full());
  const WorkItem first = batch.take();
  EXPECT_EQ(first.body, "plain\na#012b#015#012c#015\n#012\n");
  EXPECT_EQ(first.decoder, "sshd");
  EXPECT_TRUE(batch.empty());
  batch.add("next");
  EXPECT_EQ(batch.take().body, "next\n");
}

TEST_F(SourcesTest, FileFollowsRenameAndCopyTruncateRotationWithoutLossOrRepeat) {
  const fs::path log = dir_ / "auth.log";
  append(log, sshd_line(0) + sshd_line(1));
  auto src = file_source("auth.log*", "sshd");
  recorder_->wait_for(2);
  // Rename rotation while writing: the old file gets one more line after the
  // rename (a writer holding it open), the new file starts.
  fs::rename(log, dir_ / "auth.log.1");
  append(dir_ / "auth.log.1", sshd_line(2));
  append(log, sshd_line(3));
  recorder_->wait_for(4);
  // Copy-truncate: the file is copied away and cut to zero, then written again.
  fs::copy_file(log, dir_ / "copy.bak");
  fs::resize_file(log, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  append(log, sshd_line(4));
  // A last line without a newline is read once the file stops growing.
  append(log, std::string(sshd_line(5)).substr(0, sshd_line(5).size() - 1));
  auto docs = recorder_->wait_for(6);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  docs = recorder_->docs();
  ASSERT_EQ(docs.size(), 6u);
  std::set<std::string> users;
  for (const auto& d : docs) users.insert(field(d, "user.name"));
  EXPECT_EQ(users, (std::set<std::string>{"u0", "u1", "u2", "u3", "u4", "u5"}));
  src->stop();

  // A restart resumes from the persisted positions: nothing again, only the new line.
  append(log, "\n" + sshd_line(6));
  auto again = file_source("auth.log*", "sshd");
  docs = recorder_->wait_for(7);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  docs = recorder_->docs();
  ASSERT_EQ(docs.size(), 7u);
  EXPECT_EQ(field(docs.back(), "user.name"), "u6");
  again->stop();
}

TEST_F(SourcesTest, GzipFilesAreReadOnceAndATruncatedOneKeepsItsGoodLines) {
  std::string text;
  for (int i = 0; i < 50; ++i) text += sshd_line(i % 60);
  {
    gzFile gz = gzopen((dir_ / "old.log.gz").c_str(), "wb");
    gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
    gzclose(gz);
  }
  // A copy cut in the middle of the compressed stream.
  const std::string whole = testing::read_file(dir_ / "old.log.gz");
  {
    std::ofstream cut(dir_ / "cut.log.gz", std::ios::binary);
    cut << whole.substr(0, whole.size() / 2);
  }
  auto src = file_source("*.gz", "sshd");
  recorder_->wait_for(50);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto docs = recorder_->docs();
  src->stop();
  EXPECT_GE(docs.size(), 50u);               // all of old.log.gz ...
  EXPECT_LT(docs.size(), 100u);              // ... and only part of the cut copy
  auto again = file_source("*.gz", "sshd");  // read once: a restart adds nothing
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(recorder_->docs().size(), docs.size());
  again->stop();
}

// Zeek writes its TSV logs with a `#` header (#separator ... #fields, #types)
// once at the top; a followed file hands rows over in batches that come long
// after the header, and across a restart that resumes mid-file.
TEST_F(SourcesTest, FollowedZeekTsvLogKeepsItsHeaderAcrossBatchesAndRestarts) {
  VIGIL_REQUIRE_DATA(zeek, "logs/otrf/zeek/LSASS_campaign_01");
  std::vector<std::string> header, rows;
  std::istringstream text(testing::read_file(zeek / "conn.log"));
  for (std::string l; std::getline(text, l);) {
    if (l.empty() || l.rfind("#close", 0) == 0) continue;
    (l.front() == '#' ? header : rows).push_back(l);
  }
  ASSERT_EQ(header.size(), 8u);
  ASSERT_GT(rows.size(), 100u);
  auto uid = [](const std::string& row) {  // the second TSV column
    const size_t a = row.find('\t') + 1;
    return row.substr(a, row.find('\t', a) - a);
  };
  const fs::path log = dir_ / "conn.log";
  auto write_rows = [&](size_t from, size_t to) {
    std::string text;
    for (size_t i = from; i < to; ++i) text += rows[i] + "\n";
    append(log, text);
  };
  std::string head;
  for (const auto& h : header) head += h + "\n";
  append(log, head);
  auto src = file_source("conn.log", "zeek");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  write_rows(0, 10);
  recorder_->wait_for(10);
  write_rows(10, 40);  // a later batch: no header in it
  recorder_->wait_for(40);
  src->stop();
  write_rows(40, rows.size());  // written while vigil is down
  append(log, "#close\t2023-08-16-01-40-00\n");
  auto again = file_source("conn.log", "zeek");
  const auto docs = recorder_->wait_for(rows.size());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  again->stop();
  ASSERT_EQ(recorder_->docs().size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(field(docs[i], "error.type"), "<absent>") << rows[i];
    EXPECT_EQ(field(docs[i], "uid"), uid(rows[i])) << i;
  }
  EXPECT_EQ(field(docs[0], "source.ip"), "192.168.1.41");
  EXPECT_EQ(field(docs[0], "destination.port"), "53");
}

SourceConfig syslog_config(size_t max_bytes = 64 << 10) {
  SourceConfig s;
  s.type = "syslog";
  s.name = "syslog";
  s.decoder = "syslog";
  s.udp = "127.0.0.1:0";
  s.tcp = "127.0.0.1:0";
  s.batch_delay_ms = 20;
  s.max_message_bytes = max_bytes;
  return s;
}

std::unique_ptr<Source> syslog_source(Pipeline& p, const SourceConfig& s,
                                      const SourceCounters& counters = {}) {
  auto src = start_syslog_source(s, p, counters);
  EXPECT_TRUE(src.has_value()) << (src ? "" : src.error().message);
  return src ? std::move(*src) : nullptr;
}

std::unique_ptr<Source> syslog_source(Pipeline& p, size_t max_bytes = 64 << 10) {
  return syslog_source(p, syslog_config(max_bytes));
}

// A socket connected to 127.0.0.1:port (TCP or UDP); -1 on failure.
int connect_loopback(uint16_t port, int type) {
  const int fd = ::socket(AF_INET, type, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// An RFC 5424 message carrying its sequence number, padded to about `size`.
std::string numbered_message(int seq, size_t size = 0) {
  std::string m = fmt::format("<38>1 2024-05-01T10:00:00Z h app - - - seq={:06d}", seq);
  if (m.size() < size) m += " " + std::string(size - m.size() - 1, 'x');
  return m;
}

std::string octet_counted(const std::string& m) {
  return std::to_string(m.size()) + " " + m;
}

// The seq= numbers of the recorded messages, in arrival order.
std::vector<int> sequence_numbers(const std::vector<Value>& docs) {
  std::vector<int> out;
  for (const auto& d : docs) {
    const std::string m = field(d, "message");
    const size_t at = m.find("seq=");
    out.push_back(at == std::string::npos ? -1 : std::atoi(m.c_str() + at + 4));
  }
  return out;
}

// Polls `done` every 20 ms for up to `seconds`.
template <typename Fn>
bool eventually(Fn done, int seconds = 60) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

int run(const std::string& cmd) {
  return std::system(cmd.c_str());
}

TEST_F(SourcesTest, SyslogOverUdpAndTcpFromLogger) {
  if (run("logger --help >/dev/null 2>&1") != 0) GTEST_SKIP() << "util-linux logger missing";
  auto src = syslog_source(*pipeline_);
  const std::string udp = std::to_string(src->udp_port());
  const std::string tcp = std::to_string(src->tcp_port());
  ASSERT_EQ(
      run("logger --server 127.0.0.1 --port " + udp +
          " --udp --rfc3164 -t sshd -i 'Failed password for root from 10.1.2.3 port 4242 ssh2'"),
      0);
  ASSERT_EQ(run("logger --server 127.0.0.1 --port " + tcp +
                " --tcp --octet-count --rfc5424 -p auth.warning -t sudo '   bob : TTY=pts/1 ; "
                "PWD=/ ; USER=root ; COMMAND=/usr/bin/id'"),
            0);
  const auto docs = recorder_->wait_for(2);
  ASSERT_EQ(docs.size(), 2u);
  const Value& a = field(docs[0], "process.name") == "sshd" ? docs[0] : docs[1];
  const Value& b = &a == &docs[0] ? docs[1] : docs[0];
  EXPECT_EQ(field(a, "event.action"), "ssh_login");
  EXPECT_EQ(field(a, "source.ip"), "10.1.2.3");
  EXPECT_EQ(field(a, "source.port"), "4242");
  EXPECT_EQ(field(a, "log.syslog.version"), "3164");
  EXPECT_EQ(field(b, "log.syslog.version"), "5424");
  EXPECT_EQ(field(b, "log.syslog.facility.name"), "auth");
  EXPECT_EQ(field(b, "log.syslog.severity.name"), "warning");
  EXPECT_EQ(field(b, "event.action"), "sudo_command");
  EXPECT_EQ(field(b, "user.name"), "bob");
  src->stop();
  EXPECT_EQ(src->stats().lines.load(), 2u);
}

TEST_F(SourcesTest, TcpClientMixingOctetCountedAndNewlineFrames) {
  auto src = syslog_source(*pipeline_, 1024);
  const int fd = connect_loopback(src->tcp_port(), SOCK_STREAM);
  ASSERT_GE(fd, 0);
  const std::string m1 = "<38>1 2024-05-01T10:00:00Z h app - - - first\nwith a newline inside";
  const std::string m2 = "<38>May  1 10:00:01 h app: second";
  // A sender's line end inside a counted frame is not part of the message.
  const std::string m3 = "<38>May  1 10:00:01 h app: third\r\n";
  const std::string big = "<38>May  1 10:00:02 h app: " + std::string(5000, 'x');
  std::string wire = std::to_string(m1.size()) + " " + m1 + m2 + "\n" + octet_counted(m3) +
                     std::to_string(big.size()) + " " + big + "<38>May  1 10:00:03 h app: last";
  // Sent in small pieces so frames straddle reads.
  for (size_t i = 0; i < wire.size(); i += 7) {
    ASSERT_GT(::send(fd, wire.data() + i, std::min<size_t>(7, wire.size() - i), 0), 0);
  }
  ::close(fd);  // the unterminated last frame counts at end of stream
  const auto docs = recorder_->wait_for(5);
  ASSERT_EQ(docs.size(), 5u);
  EXPECT_EQ(field(docs[0], "message"), "first#012with a newline inside");
  EXPECT_EQ(field(docs[1], "message"), "second");
  EXPECT_EQ(field(docs[2], "message"), "third");
  EXPECT_EQ(field(docs[3], "message").size(),
            1024u - std::string("<38>May  1 10:00:02 h app: ").size());
  EXPECT_EQ(field(docs[4], "message"), "last");
  src->stop();
  EXPECT_EQ(src->stats().truncated.load(), 1u);
}

// What the listener hands over, seen without a pipeline behind it (the way
// bench/syslog_bench measures the source alone): whole batches of
// `batch_lines` in arrival order, each with its decoder; a batch the sink does
// not take is counted as dropped, the next one goes on.
TEST(SyslogSource, HandsItsBatchesToAnySinkInOrderAndCountsRefusedOnes) {
  struct Recording final : BatchSink {
    bool submit(WorkItem item, SubmitMode mode) override {
      std::lock_guard lock(mutex);
      items.push_back(std::move(item));
      modes.push_back(mode);
      return items.size() != 2;  // refuses the second batch
    }
    std::mutex mutex;
    std::vector<WorkItem> items;
    std::vector<SubmitMode> modes;
  } sink;
  SourceConfig s = syslog_config();
  s.udp.clear();
  s.decoder = "sshd";
  s.batch_lines = 10;
  s.batch_delay_ms = 60'000;  // batches end when full or at end of stream, never by time
  auto src = start_syslog_source(s, sink);
  ASSERT_TRUE(src.has_value()) << src.error().message;
  const int fd = connect_loopback((*src)->tcp_port(), SOCK_STREAM);
  ASSERT_GE(fd, 0);
  std::string wire;
  for (int i = 0; i < 25; ++i) {
    const std::string m = numbered_message(i);
    wire += i % 2 == 0 ? octet_counted(m) : m + "\n";
  }
  ASSERT_EQ(::send(fd, wire.data(), wire.size(), 0), static_cast<ssize_t>(wire.size()));
  ::close(fd);
  ASSERT_TRUE(eventually([&] { return (*src)->stats().lines + (*src)->stats().dropped >= 25; }));
  (*src)->stop();
  std::lock_guard lock(sink.mutex);
  ASSERT_EQ(sink.items.size(), 3u);
  std::vector<std::string> lines;
  for (const WorkItem& item : sink.items) {
    EXPECT_EQ(item.decoder, "sshd");
    std::istringstream body(item.body);
    for (std::string l; std::getline(body, l);) lines.push_back(l);
  }
  ASSERT_EQ(lines.size(), 25u);
  for (int i = 0; i < 25; ++i) EXPECT_EQ(lines[static_cast<size_t>(i)], numbered_message(i));
  EXPECT_EQ(std::count(sink.items[0].body.begin(), sink.items[0].body.end(), '\n'), 10);
  EXPECT_EQ(std::count(sink.items[2].body.begin(), sink.items[2].body.end(), '\n'), 5);
  for (const SubmitMode m : sink.modes) EXPECT_EQ(m, SubmitMode::kBlock);  // TCP pushes back
  EXPECT_EQ((*src)->stats().lines.load(), 15u);
  EXPECT_EQ((*src)->stats().dropped.load(), 10u);
}

// RFC 5425: octet-counted frames over TLS. The certificate is a throwaway
// one made by the openssl CLI; the client checks it (trust anchor + host name)
// so the test proves the listener really serves it.
TEST_F(SourcesTest, TlsListenerTakesOctetCountedFramesAndSurvivesAPlaintextClient) {
  if (run("openssl version >/dev/null 2>&1") != 0) GTEST_SKIP() << "openssl CLI missing";
  // TLS alerts written to a peer that hung up raise SIGPIPE; `vigil run`
  // ignores it (run_command.cpp), and so does this process.
  std::signal(SIGPIPE, SIG_IGN);
  const fs::path cert = dir_ / "cert.pem", key = dir_ / "key.pem";
  ASSERT_EQ(run(fmt::format("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
                            "-addext subjectAltName=DNS:localhost -keyout {} -out {} 2>/dev/null",
                            key.string(), cert.string())),
            0);
  SourceConfig config = syslog_config();
  config.udp.clear();
  config.tls_cert = cert.string();
  config.tls_key = key.string();
  auto src = syslog_source(*pipeline_, config);
  ASSERT_TRUE(src);

  // A client speaking plain TCP to the TLS port: its bytes are not messages.
  const int plain = connect_loopback(src->tcp_port(), SOCK_STREAM);
  ASSERT_GE(plain, 0);
  const std::string cleartext = octet_counted(numbered_message(999999)) + "\n";
  ASSERT_GT(::send(plain, cleartext.data(), cleartext.size(), 0), 0);
  ::close(plain);

  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  ASSERT_NE(ctx, nullptr);
  ASSERT_EQ(SSL_CTX_load_verify_locations(ctx, cert.c_str(), nullptr), 1);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  const int fd = connect_loopback(src->tcp_port(), SOCK_STREAM);
  ASSERT_GE(fd, 0);
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  SSL_set1_host(ssl, "localhost");
  SSL_set_tlsext_host_name(ssl, "localhost");
  ASSERT_EQ(SSL_connect(ssl), 1) << ERR_error_string(ERR_get_error(), nullptr);
  EXPECT_EQ(SSL_get_verify_result(ssl), X509_V_OK);
  constexpr int kMessages = 300;
  std::string wire;
  for (int i = 0; i < kMessages; ++i) wire += octet_counted(numbered_message(i, 100 + i % 50));
  // Written in uneven records so frames straddle TLS records.
  for (size_t at = 0; at < wire.size();) {
    const int n = static_cast<int>(std::min<size_t>(wire.size() - at, 1000 + at % 777));
    ASSERT_EQ(SSL_write(ssl, wire.data() + at, n), n);
    at += static_cast<size_t>(n);
  }
  SSL_shutdown(ssl);
  SSL_free(ssl);
  ::close(fd);
  SSL_CTX_free(ctx);

  ASSERT_TRUE(eventually([&] { return recorder_->docs().size() >= kMessages; }, 30))
      << recorder_->docs().size() << " events; lines " << src->stats().lines << ", connections "
      << src->stats().connections;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto docs = recorder_->docs();
  std::vector<int> expected(kMessages);
  for (int i = 0; i < kMessages; ++i) expected[i] = i;
  EXPECT_EQ(sequence_numbers(docs), expected);  // all, in order, and not the cleartext one
  EXPECT_EQ(field(docs[7], "log.syslog.version"), "5424");
  src->stop();
  EXPECT_EQ(src->stats().lines.load(), static_cast<uint64_t>(kMessages));
  EXPECT_EQ(src->stats().connections.load(), 2u);
}

// UDP cannot push back: with the worker held and a queue of 20 events, a
// flood is read and dropped in counted batches, never blocks, never crashes.
TEST_F(SourcesTest, UdpFloodBeyondTheQueueIsCountedAsDrops) {
  start_pipeline(20, /*gated=*/true);
  SourceConfig config = syslog_config();
  config.tcp.clear();
  config.batch_lines = 10;
  metrics::Registry registry;  // what the daemon serves on /metrics
  const auto counters = register_source_counters(registry, {"syslog"});
  auto src = syslog_source(*pipeline_, config, counters[0]);
  ASSERT_TRUE(src);
  const int fd = connect_loopback(src->udp_port(), SOCK_DGRAM);
  ASSERT_GE(fd, 0);
  constexpr uint64_t kSent = 3000;
  for (uint64_t i = 0; i < kSent; ++i) {
    const std::string m = numbered_message(static_cast<int>(i), 120);
    ASSERT_EQ(::send(fd, m.data(), m.size(), 0), static_cast<ssize_t>(m.size()));
    // Paced so the kernel's socket buffer never overflows: every datagram
    // reaches the source, which must account for each one.
    if (i % 50 == 49) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ::close(fd);
  const SourceStats& stats = src->stats();
  ASSERT_TRUE(eventually([&] { return stats.lines + stats.dropped >= kSent; }, 30))
      << "lines " << stats.lines << " dropped " << stats.dropped;
  // Held pipeline: 20 events queued for the workers, as many in the detect
  // lane, a batch in the worker's hands and one at the gate; the rest dropped.
  const uint64_t in_flight = 2 * 20 + 2 * config.batch_lines;
  EXPECT_LE(stats.lines.load(), in_flight);
  EXPECT_GE(stats.dropped.load(), kSent - in_flight);
  EXPECT_TRUE(recorder_->docs().empty());

  gate_->open();
  ASSERT_TRUE(eventually([&] { return recorder_->docs().size() >= stats.lines; }, 30));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  src->stop();
  const auto docs = recorder_->docs();
  EXPECT_EQ(docs.size(), stats.lines.load());
  EXPECT_EQ(stats.lines + stats.dropped, kSent);
  const std::string exposition = registry.render();
  for (const auto& [outcome, n] : {std::pair<std::string, uint64_t>{"accepted", stats.lines},
                                   {"dropped", stats.dropped},
                                   {"truncated", 0}}) {
    const std::string sample = fmt::format(
        "vigil_source_messages_total{{source=\"syslog\",outcome=\"{}\"}} {}\n", outcome, n);
    EXPECT_NE(exposition.find(sample), std::string::npos) << sample << exposition;
  }
  const auto seqs = sequence_numbers(docs);
  EXPECT_EQ(std::set<int>(seqs.begin(), seqs.end()).size(), seqs.size());  // no repeats
  for (int s : seqs) EXPECT_TRUE(s >= 0 && s < static_cast<int>(kSent)) << s;
}

// TCP pushes back: with the worker held, the source stops reading, the
// sender's writes stop going through; once the worker runs again every
// message arrives, in order, and nothing was dropped.
TEST_F(SourcesTest, TcpSenderBeyondTheQueueIsPushedBackAndLosesNothing) {
  start_pipeline(20, /*gated=*/true);
  SourceConfig config = syslog_config();
  config.udp.clear();
  config.batch_lines = 10;
  auto src = syslog_source(*pipeline_, config);
  ASSERT_TRUE(src);
  const int fd = connect_loopback(src->tcp_port(), SOCK_STREAM);
  ASSERT_GE(fd, 0);
  const int sndbuf = 32 << 10;
  ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  constexpr int kMessages = 8000;  // about 4 MB
  std::string wire;
  for (int i = 0; i < kMessages; ++i) wire += octet_counted(numbered_message(i, 500));

  // Non-blocking writes until nothing more goes through for 1.5 s.
  size_t sent = 0;
  auto last_progress = std::chrono::steady_clock::now();
  bool stalled = false;
  while (sent < wire.size()) {
    const ssize_t n = ::send(fd, wire.data() + sent, wire.size() - sent, MSG_DONTWAIT);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      last_progress = std::chrono::steady_clock::now();
      continue;
    }
    ASSERT_TRUE(errno == EAGAIN || errno == EWOULDBLOCK) << std::strerror(errno);
    if (std::chrono::steady_clock::now() - last_progress > std::chrono::milliseconds(1500)) {
      stalled = true;
      break;
    }
    pollfd p{fd, POLLOUT, 0};
    ::poll(&p, 1, 100);
  }
  EXPECT_TRUE(stalled) << "the whole " << wire.size() << " bytes went through a held pipeline";
  EXPECT_LT(sent, wire.size());
  EXPECT_TRUE(recorder_->docs().empty());
  EXPECT_EQ(src->stats().dropped.load(), 0u);
  // What the source took so far is bounded by the pipeline's buffers (20
  // queued, 20 in the detect lane, a batch in the worker's hands and one at
  // the gate), not by the sender.
  EXPECT_LE(src->stats().lines.load(), 2 * 20u + 2 * config.batch_lines);

  gate_->open();
  while (sent < wire.size()) {  // blocking now: the source reads again
    const ssize_t n = ::send(fd, wire.data() + sent, wire.size() - sent, 0);
    ASSERT_GT(n, 0) << std::strerror(errno);
    sent += static_cast<size_t>(n);
  }
  ::close(fd);
  ASSERT_TRUE(eventually([&] { return recorder_->docs().size() >= kMessages; }))
      << recorder_->docs().size() << " of " << kMessages;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto docs = recorder_->docs();
  std::vector<int> expected(kMessages);
  for (int i = 0; i < kMessages; ++i) expected[i] = i;
  EXPECT_EQ(sequence_numbers(docs), expected);
  src->stop();
  EXPECT_EQ(src->stats().lines.load(), static_cast<uint64_t>(kMessages));
  EXPECT_EQ(src->stats().dropped.load(), 0u);
}

}  // namespace
}  // namespace vigil
