// Syslog over TCP on loopback: the real syslog source (octet-counted frames,
// RFC 6587) fed by one sender connection, its batches going
//   --into pipeline (default): into a Pipeline that decodes, normalizes and
//       sanitizes every message (no store); counted by a detector at its end;
//   --into decode: decoded by the connection's own thread as they are handed
//       over (listener + framing + syslog parsing on one core), then freed;
//   --into count: only counted (listener + framing + batching).
// The rate is messages over the wall time from the first byte sent until the
// last one is counted. CPU: the whole process, the sender thread, and (not in
// pipeline mode) the connection's thread. Prints one JSON line:
//   {"into":I,"messages":N,"events":E,"processed":E,"seconds":S,"msgs_per_s":R,
//    "cpu_s":C,"msgs_per_cpu_s":RC,"sender_cpu_s":SC,"reader_cpu_s":RD,
//    "msgs_per_reader_cpu_s":RR,"workers":W}
//   syslog_bench [--into pipeline|decode|count] [--decoder NAME] [--messages N]
//                [--workers W] FILE
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
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

double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// The source's batches taken on its own thread: counted (the messages are its
// lines), or decoded and freed first. Records that thread's CPU time.
class BenchSink final : public vigil::BatchSink {
 public:
  explicit BenchSink(std::unique_ptr<vigil::Decoder> decoder) : decoder_(std::move(decoder)) {}
  bool submit(vigil::WorkItem item, vigil::SubmitMode) override {
    uint64_t n = 0;
    if (decoder_) {
      decoded_.events.clear();
      decoder_->decode(item.body, item.first_line, item.received, decoded_);
      n = decoded_.events.size();
    } else {
      for (const char c : item.body) n += c == '\n';
    }
    reader_cpu_s.store(thread_cpu_s());
    count.fetch_add(n);
    return true;
  }
  std::atomic<uint64_t> count{0};
  std::atomic<double> reader_cpu_s{0};

 private:
  std::unique_ptr<vigil::Decoder> decoder_;
  vigil::DecodeResult decoded_;
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
  std::string decoder = "sshd", file, into = "pipeline";
  size_t messages = 1'000'000;
  int workers = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--decoder" && i + 1 < argc) {
      decoder = argv[++i];
    } else if (a == "--messages" && i + 1 < argc) {
      messages = std::stoul(argv[++i]);
    } else if (a == "--into" && i + 1 < argc) {
      into = argv[++i];
    } else if (a == "--workers" && i + 1 < argc) {
      workers = std::stoi(argv[++i]);
    } else {
      file = a;
    }
  }
  std::ifstream in(file, std::ios::binary);
  if (file.empty() || !in || (into != "pipeline" && into != "decode" && into != "count")) {
    std::fprintf(stderr,
                 "usage: syslog_bench [--into pipeline|decode|count] [--decoder NAME] "
                 "[--messages N] [--workers W] FILE\n");
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
    expected += into == "count" ? 1 : events_of_line[i % lines.size()];
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
  BenchSink sink(into == "decode" ? std::move(*counting) : nullptr);
  vigil::SourceConfig s;
  s.type = "syslog";
  s.name = "bench";
  s.decoder = decoder;
  s.tcp = "127.0.0.1:0";
  auto source = into == "pipeline" ? vigil::start_syslog_source(s, pipeline)
                                   : vigil::start_syslog_source(s, sink);
  auto arrived = [&] { return into == "pipeline" ? counter->count.load() : sink.count.load(); };
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
  double sender_cpu_s = 0;
  std::thread sender([&] {
    for (size_t at = 0; at < wire.size();) {
      const ssize_t n =
          ::send(fd, wire.data() + at, std::min<size_t>(wire.size() - at, 1 << 16), 0);
      if (n <= 0) break;
      at += static_cast<size_t>(n);
    }
    ::shutdown(fd, SHUT_WR);  // the source hands over its last batch at once, not at its deadline
    sender_cpu_s = thread_cpu_s();
  });
  while (arrived() < expected &&
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
  const uint64_t processed = arrived();
  const double reader = sink.reader_cpu_s.load();
  fmt::print("{{\"into\":\"{}\",\"decoder\":\"{}\",\"messages\":{},\"events\":{},\"processed\":{},",
             into, decoder, messages, expected, processed);
  fmt::print("\"seconds\":{:.3f},\"msgs_per_s\":{:.0f},\"cpu_s\":{:.3f},\"msgs_per_cpu_s\":{:.0f},",
             seconds, static_cast<double>(messages) / seconds, cpu,
             static_cast<double>(messages) / cpu);
  fmt::print("\"sender_cpu_s\":{:.3f},\"reader_cpu_s\":{:.3f},\"msgs_per_reader_cpu_s\":{:.0f},",
             sender_cpu_s, reader, reader > 0 ? static_cast<double>(messages) / reader : 0.0);
  fmt::print("\"workers\":{}}}\n",
             workers > 0 ? workers : static_cast<int>(std::thread::hardware_concurrency()));
  return processed == expected ? 0 : 1;
}
