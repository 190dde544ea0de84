// Syslog over TCP on loopback into the pipeline: the real syslog source
// (octet-counted frames, RFC 6587) feeding a Pipeline that decodes,
// normalizes and sanitizes every message (no store), one sender connection.
// The rate is messages counted by a detector at the end of the pipeline over
// the wall time from the first byte sent. Prints one JSON line:
//   {"messages":N,"events":E,"processed":E,"seconds":S,"msgs_per_s":R,"cpu_s":C,"workers":W}
//   syslog_bench [--decoder NAME] [--messages N] [--workers W] FILE
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "core/allocator_tuning.h"
#include "ingest/decoders/decoder.h"
#include "normalize/normalizer.h"
#include "pipeline/pipeline.h"
#include "sanitize/sanitizer.h"
#include "sources/sources.h"

namespace {

class Counter final : public vigil::Detector {
 public:
  std::string_view name() const override { return "counter"; }
  void on_event(vigil::Event&, vigil::AlertSink&) override {
    count.fetch_add(1, std::memory_order_relaxed);
  }
  std::atomic<uint64_t> count{0};
};

class NoAlerts final : public vigil::AlertSink {
 public:
  void emit(vigil::Alert) override {}
};

double process_cpu_s() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

}  // namespace

int main(int argc, char** argv) {
  vigil::tune_allocator();
  std::string decoder = "sshd", file;
  size_t messages = 1'000'000;
  int workers = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--decoder" && i + 1 < argc) {
      decoder = argv[++i];
    } else if (a == "--messages" && i + 1 < argc) {
      messages = std::stoul(argv[++i]);
    } else if (a == "--workers" && i + 1 < argc) {
      workers = std::stoi(argv[++i]);
    } else {
      file = a;
    }
  }
  std::ifstream in(file, std::ios::binary);
  if (file.empty() || !in) {
    std::fprintf(stderr,
                 "usage: syslog_bench [--decoder NAME] [--messages N] [--workers W] FILE\n");
    return 2;
  }
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) {
    if (!l.empty() && l.back() == '\r') l.pop_back();  // a CRLF file: the CR is not the message's
    if (!l.empty()) lines.push_back(l);
  }
  if (lines.empty()) return 2;
  // "<38>" + the sample's own BSD line, octet-counted. A line may decode to
  // several events (sshd's "message repeated N times"): count them first.
  vigil::DecoderCatalog catalog;
  catalog.ingest = vigil::default_config().ingest;
  auto counting = vigil::make_decoder(decoder, catalog);
  if (!counting) {
    std::fprintf(stderr, "%s\n", counting.error().message.c_str());
    return 2;
  }
  std::vector<size_t> events_of_line;
  for (const auto& l : lines) {
    vigil::DecodeResult r;
    (*counting)->decode("<38>" + l + "\n", 1, vigil::Timestamp::now(), r);
    events_of_line.push_back(r.events.size());
  }
  std::string wire;
  size_t expected = 0;
  for (size_t i = 0; i < messages; ++i) {
    const std::string& l = lines[i % lines.size()];
    wire += fmt::format("{} <38>{}", l.size() + 4, l);
    expected += events_of_line[i % lines.size()];
  }

  vigil::Config config = vigil::default_config();
  config.pipeline.workers = workers;
  vigil::Stages stages;
  stages.normalizer = std::make_shared<vigil::Normalizer>(config.normalize);
  stages.sanitizer = *vigil::Sanitizer::create(config.sanitize);
  auto counter = std::make_shared<Counter>();
  stages.detectors.push_back(counter);
  NoAlerts alerts;
  stages.alerts = &alerts;
  vigil::Pipeline pipeline(config, std::move(stages), nullptr);
  vigil::SourceConfig s;
  s.type = "syslog";
  s.name = "bench";
  s.decoder = decoder;
  s.tcp = "127.0.0.1:0";
  auto source = vigil::start_syslog_source(s, pipeline);
  if (!source) {
    std::fprintf(stderr, "%s\n", source.error().message.c_str());
    return 1;
  }
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons((*source)->tcp_port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return 1;

  const double cpu0 = process_cpu_s();
  const auto start = std::chrono::steady_clock::now();
  std::thread sender([&] {
    for (size_t at = 0; at < wire.size();) {
      const ssize_t n =
          ::send(fd, wire.data() + at, std::min<size_t>(wire.size() - at, 1 << 16), 0);
      if (n <= 0) break;
      at += static_cast<size_t>(n);
    }
  });
  while (counter->count.load() < expected &&
         std::chrono::steady_clock::now() - start < std::chrono::minutes(10)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = process_cpu_s() - cpu0;
  sender.join();
  ::close(fd);
  (*source)->stop();
  pipeline.shutdown();
  const uint64_t processed = counter->count.load();
  fmt::print("{{\"decoder\":\"{}\",\"messages\":{},\"events\":{},\"processed\":{},", decoder,
             messages, expected, processed);
  fmt::print("\"seconds\":{:.3f},\"msgs_per_s\":{:.0f},\"cpu_s\":{:.3f},\"msgs_per_cpu_s\":{:.0f},",
             seconds, static_cast<double>(messages) / seconds, cpu,
             static_cast<double>(messages) / cpu);
  fmt::print("\"workers\":{}}}\n",
             workers > 0 ? workers : static_cast<int>(std::thread::hardware_concurrency()));
  return processed == expected ? 0 : 1;
}
