// The file and syslog sources against the real pipeline: real files with
// rotation while writing, real loopback sockets fed by util-linux `logger`
// and by a TCP client writing RFC 6587 frames.
#include "sources/sources.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "core/field_path.h"
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
    pipeline_ = std::make_unique<Pipeline>(
        config_, testing::stages_with(config_, recorder_, alerts_), nullptr);
  }
  void TearDown() override {
    pipeline_->shutdown();
    fs::remove_all(dir_);
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

std::unique_ptr<Source> syslog_source(Pipeline& p, size_t max_bytes = 64 << 10) {
  SourceConfig s;
  s.type = "syslog";
  s.name = "syslog";
  s.decoder = "syslog";
  s.udp = "127.0.0.1:0";
  s.tcp = "127.0.0.1:0";
  s.batch_delay_ms = 20;
  s.max_message_bytes = max_bytes;
  auto src = start_syslog_source(s, p);
  EXPECT_TRUE(src.has_value()) << (src ? "" : src.error().message);
  return std::move(*src);
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
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(src->tcp_port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string m1 = "<38>1 2024-05-01T10:00:00Z h app - - - first\nwith a newline inside";
  const std::string m2 = "<38>May  1 10:00:01 h app: second";
  const std::string big = "<38>May  1 10:00:02 h app: " + std::string(5000, 'x');
  std::string wire = std::to_string(m1.size()) + " " + m1 + m2 + "\n" + std::to_string(big.size()) +
                     " " + big + "<38>May  1 10:00:03 h app: last";
  // Sent in small pieces so frames straddle reads.
  for (size_t i = 0; i < wire.size(); i += 7) {
    ASSERT_GT(::send(fd, wire.data() + i, std::min<size_t>(7, wire.size() - i), 0), 0);
  }
  ::close(fd);  // the unterminated last frame counts at end of stream
  const auto docs = recorder_->wait_for(4);
  ASSERT_EQ(docs.size(), 4u);
  EXPECT_EQ(field(docs[0], "message"), "first#012with a newline inside");
  EXPECT_EQ(field(docs[1], "message"), "second");
  EXPECT_EQ(field(docs[2], "message").size(),
            1024u - std::string("<38>May  1 10:00:02 h app: ").size());
  EXPECT_EQ(field(docs[3], "message"), "last");
  src->stop();
  EXPECT_EQ(src->stats().truncated.load(), 1u);
}

}  // namespace
}  // namespace vigil
