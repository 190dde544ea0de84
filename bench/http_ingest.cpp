// Load client for `POST /api/v1/events`: replays an NDJSON corpus over
// loopback HTTP/1.1 keep-alive connections and reports what the daemon
// acknowledged. It honours back-pressure the way a real shipper must: a 429
// or 503 is retried after the server's Retry-After, so the figure is the
// rate vigil durably accepted, not the rate the client managed to send.
//
//   http_ingest --url http://127.0.0.1:8514 [--connections C] [--batch B] [--token T] FILE
//
// Prints one JSON line on stdout:
//   {"events":N,"accepted":N,"rejected":N,"requests":N,"retries":N,
//    "seconds":S,"events_per_s":R,"connections":C,"batch":B}
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Options {
  std::string url = "http://127.0.0.1:8514";
  std::string token;
  std::string corpus;
  int connections = 4;
  size_t batch = 2000;
};

struct Totals {
  std::atomic<long long> accepted{0};
  std::atomic<long long> rejected{0};
  std::atomic<long long> requests{0};
  std::atomic<long long> retries{0};
  std::atomic<bool> failed{false};
};

[[noreturn]] void usage(int code) {
  std::fputs(
      "usage: http_ingest [--url URL] [--connections C] [--batch B] [--token T] FILE\n"
      "Posts FILE (NDJSON) to URL/api/v1/events in bodies of B lines over C\n"
      "keep-alive connections; prints a one-line JSON summary.\n",
      code == 0 ? stdout : stderr);
  std::exit(code);
}

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(2);
      return argv[++i];
    };
    if (arg == "--url")
      options.url = value();
    else if (arg == "--connections")
      options.connections = std::atoi(value().c_str());
    else if (arg == "--batch")
      options.batch = std::strtoul(value().c_str(), nullptr, 10);
    else if (arg == "--token")
      options.token = value();
    else if (arg == "-h" || arg == "--help")
      usage(0);
    else if (!arg.empty() && arg[0] == '-')
      usage(2);
    else
      options.corpus = arg;
  }
  if (options.corpus.empty() || options.connections < 1 || options.batch < 1) usage(2);
  return options;
}

// Splits the corpus into request bodies of `batch` lines each, read up front
// so the client's own I/O is not part of the measurement.
std::vector<std::string> read_bodies(const std::string& path, size_t batch, size_t& events) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "http_ingest: cannot read %s\n", path.c_str());
    std::exit(1);
  }
  std::vector<std::string> bodies;
  std::string line, body;
  size_t in_body = 0;
  events = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    body += line;
    body += '\n';
    ++events;
    if (++in_body == batch) {
      bodies.push_back(std::move(body));
      body.clear();
      in_body = 0;
    }
  }
  if (!body.empty()) bodies.push_back(std::move(body));
  return bodies;
}

// The two counters of vigil's ingest reply, {"accepted":N,"rejected":M,...}.
long long reply_count(const std::string& reply, const char* key) {
  std::string needle = std::string("\"") + key + "\":";
  size_t at = reply.find(needle);
  return at == std::string::npos ? 0 : std::atoll(reply.c_str() + at + needle.size());
}

void post_until_acknowledged(httplib::Client& client, const std::string& body, Totals& totals) {
  for (;;) {
    auto result = client.Post("/api/v1/events", body, "application/x-ndjson");
    totals.requests++;
    if (!result) {
      std::fprintf(stderr, "http_ingest: %s\n", httplib::to_string(result.error()).c_str());
      totals.failed = true;
      return;
    }
    if (result->status == 200) {
      totals.accepted += reply_count(result->body, "accepted");
      totals.rejected += reply_count(result->body, "rejected");
      return;
    }
    if (result->status != 429 && result->status != 503) {
      std::fprintf(stderr, "http_ingest: HTTP %d: %s\n", result->status, result->body.c_str());
      totals.failed = true;
      return;
    }
    totals.retries++;
    // Retry-After is in whole seconds; a loaded loopback queue drains in
    // milliseconds, so wait briefly unless the server asks for longer.
    int after_s = std::atoi(result->get_header_value("Retry-After").c_str());
    std::this_thread::sleep_for(after_s > 1 ? std::chrono::milliseconds(after_s * 1000)
                                            : std::chrono::milliseconds(5));
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options options = parse_options(argc, argv);
  size_t events = 0;
  std::vector<std::string> bodies = read_bodies(options.corpus, options.batch, events);

  Totals totals;
  std::atomic<size_t> next_body{0};
  auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> senders;
  for (int c = 0; c < options.connections; ++c) {
    senders.emplace_back([&] {
      httplib::Client client(options.url);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);  // as shippers do (Go's net package sets it by default)
      client.set_read_timeout(120, 0);
      client.set_write_timeout(120, 0);
      if (!options.token.empty()) client.set_bearer_token_auth(options.token);
      for (size_t i = next_body++; i < bodies.size() && !totals.failed; i = next_body++)
        post_until_acknowledged(client, bodies[i], totals);
    });
  }
  for (auto& sender : senders) sender.join();
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  std::printf(
      "{\"events\":%zu,\"accepted\":%lld,\"rejected\":%lld,\"requests\":%lld,\"retries\":%lld,"
      "\"seconds\":%.3f,\"events_per_s\":%.0f,\"connections\":%d,\"batch\":%zu}\n",
      events, totals.accepted.load(), totals.rejected.load(), totals.requests.load(),
      totals.retries.load(), seconds, totals.accepted.load() / seconds, options.connections,
      options.batch);
  return totals.failed ? 1 : 0;
}
