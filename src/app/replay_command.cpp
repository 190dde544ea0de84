// `vigil replay`: a log file (NDJSON, or any decoder's format with --format;
// gzip read transparently) through the daemon's pipeline, then a one-line
// JSON summary. How users back-test and how benchmarks drive vigil.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <deque>
#include <memory>

#include "app/commands.h"
#include "app/config_loading.h"
#include "app/engine.h"
#include "app/log_decoding.h"
#include "core/json_writer.h"
#include "core/strings.h"
#include "ingest/decoders/decoder.h"

namespace vigil {
namespace {

// ~530 events of the benchmark corpus. A decoded event takes ~6x its text,
// and the events in flight were the largest part of a default replay's peak
// heap: 1 MiB chunks, eight in flight, held ~40 MB of them. 256 KiB chunks,
// four in flight, hold ~8 MB for the same CPU time (docs/benchmarks.md,
// session 10); a chunk's own cost (a ticket, its routing) is a few µs.
constexpr size_t kChunkBytes = 256 << 10;
// Chunks read but not yet through the pipeline. A file has no bursts to
// absorb, so the reader waits for the oldest chunk rather than filling the
// admission queue (sized for HTTP clients: ingest.queue_capacity events,
// ~34 MB of raw text that a replay held for nothing). Four chunks keep both
// workers, the lanes and the writer busy.
constexpr size_t kReplayChunksInFlight = 4;
// With the store, a chunk's ticket completes only once its transaction is fsynced:
// with four in flight the workers and lanes ran dry during every commit (the reader
// waits on the oldest chunk, which waits on the writer), and the writer then waited
// for them. About two store batches (storage.batch_max_events, 8,192) in flight keep the
// next ones in the pipeline while one commits: 1 M events, quiet machine, 4 / 8 / 12 / 24
// / 32 / 48 chunks: 166-168 / 171-182 / 183-185 / 193-204 / 199-200 / 196 k events/s,
// peak RSS 80 / 94 / 109 / 139-152 / 155-157 / 157-163 MB (docs/benchmarks.md).
constexpr size_t kStoredReplayChunksInFlight = 24;

struct Totals {
  size_t read = 0, accepted = 0, rejected = 0, flagged = 0, stored = 0, alerts = 0;
  std::optional<Error> failure;
  size_t errors_printed = 0;
};

void account(const BatchOutcome& o, Totals& t) {
  t.read += o.read;
  t.accepted += o.accepted;
  t.rejected += o.rejected;
  t.flagged += o.flagged;
  t.stored += o.stored;
  if (o.failure && !t.failure) t.failure = o.failure;
  for (const auto& e : o.errors) {
    if (t.errors_printed++ < 100) fmt::print(stderr, "line {}: {}\n", e.line, e.error);
  }
}

// Reads the input in large chunks cut at line ends and submits each; the
// pipeline's bounded queue pushes back on the reader when workers fall behind.
class ChunkReader {
 public:
  // `whole` reads the input as one chunk (formats whose records span lines).
  ChunkReader(gzFile in, std::string path, bool whole)
      : in_(in), path_(std::move(path)), chunk_bytes_(whole ? SIZE_MAX : kChunkBytes) {}
  // False at end of input.
  bool next(std::string& chunk, size_t& first_line, size_t& newlines) {
    chunk = std::move(carry_);
    carry_.clear();
    while (!eof_) {
      const size_t old = chunk.size();
      chunk.resize(old + kChunkBytes);
      const int n = gzread(in_, chunk.data() + old, static_cast<unsigned>(kChunkBytes));
      chunk.resize(old + static_cast<size_t>(std::max(n, 0)));
      if (n <= 0 || gzeof(in_)) {
        eof_ = true;
        failure_ = log_read_error(in_, path_);
      }
      if (chunk.size() < chunk_bytes_) continue;
      const size_t nl = chunk.rfind('\n');
      if (nl != std::string::npos) {
        carry_.assign(chunk, nl + 1);
        chunk.resize(nl + 1);
        break;
      }
    }
    first_line = next_line_;
    newlines = count_newlines(chunk);
    next_line_ += newlines;
    if (!chunk.empty() && chunk.back() != '\n') ++next_line_;
    return !chunk.empty();
  }
  // A read error or a truncated gzip stream, once the input has ended.
  const std::optional<Error>& failure() const { return failure_; }

 private:
  gzFile in_;
  std::string path_;
  size_t chunk_bytes_;
  std::optional<Error> failure_;
  std::string carry_;
  bool eof_ = false;
  size_t next_line_ = 1;
};

void print_summary(const Totals& t, double seconds) {
  fmt::memory_buffer out;
  JsonObjectWriter w(out);
  w.field("read", static_cast<uint64_t>(t.read));
  w.field("accepted", static_cast<uint64_t>(t.accepted));
  w.field("rejected", static_cast<uint64_t>(t.rejected));
  w.field("flagged", static_cast<uint64_t>(t.flagged));
  w.field("stored", static_cast<uint64_t>(t.stored));
  w.field("alerts", static_cast<uint64_t>(t.alerts));
  w.field("seconds", seconds);
  w.field("events_per_s", seconds > 0 ? static_cast<double>(t.read) / seconds : 0.0);
  w.close();
  fmt::print("{}\n", std::string_view(out.data(), out.size()));
}

}  // namespace

int run_replay(const Overrides& overrides, const ReplayArgs& args) {
  const std::string& input = args.input;
  auto config = load_decoding_config(overrides, args.year);
  if (!config) return kExitUsage;
  init_logging(config->logging);
  const std::string format = args.format.empty() ? "json" : args.format;
  if (!decoder_exists(decoder_catalog(*config), format)) {
    spdlog::error("{}", make_decoder(format, decoder_catalog(*config)).error().message);
    return kExitUsage;
  }
  // gzip or plain, told apart by content; stdin too.
  gzFile in = open_log(input);
  if (in == nullptr) {
    spdlog::error("cannot open {}", input);
    return kExitRuntime;
  }
  std::unique_ptr<gzFile_s, int (*)(gzFile)> closer(in, &gzclose);
  // A quarter of a chunk: zlib reads a plain file straight into a read of at
  // least twice its buffer, so chunk reads skip its buffer (with 1 MiB, every
  // byte was copied through it).
  gzbuffer(in, kChunkBytes / 4);
  EngineOptions options{.with_store = !args.no_store, .intel_feeds = false, .replay = true};
  if (!args.alerts_file.empty()) {
    // The file output appends (a daemon's file outlives restarts); a back-test's
    // file holds that run's alerts only, or two runs would read as one.
    if (std::FILE* f = std::fopen(args.alerts_file.c_str(), "w")) std::fclose(f);
    options.extra_alert_outputs.push_back(AlertOutputConfig{.type = "file",
                                                            .name = "replay",
                                                            .queue_size = 1 << 20,
                                                            .path = args.alerts_file,
                                                            .max_bytes = UINT64_MAX});
  }
  auto engine = Engine::create(*config, options);
  if (!engine) {
    spdlog::error("{}", engine.error().message);
    return engine.error().code == ErrorCode::kConfig ? kExitUsage : kExitRuntime;
  }
  Pipeline& pipeline = (*engine)->pipeline();
  const bool progress = isatty(STDERR_FILENO);
  const auto start = std::chrono::steady_clock::now();
  auto last_progress = start;
  Totals totals;
  std::deque<std::shared_ptr<BatchTicket>> pending;
  const size_t in_flight = args.no_store ? kReplayChunksInFlight : kStoredReplayChunksInFlight;
  ChunkReader reader(in, input, format == "cloudtrail" || format == "zeek");
  WorkItem item;
  while (reader.next(item.body, item.first_line, item.newlines)) {
    item.format = BodyFormat::kNdjson;
    if (format != "json") item.decoder = format;
    item.received = Timestamp::now();
    auto ticket = pipeline.submit(std::move(item), SubmitMode::kBlock);
    item = WorkItem{};
    if (!ticket) {
      totals.failure = ticket.error();
      break;
    }
    pending.push_back(std::move(*ticket));
    while (!pending.empty() && (pending.front()->done() || pending.size() > in_flight)) {
      account(pending.front()->wait(), totals);
      pending.pop_front();
    }
    const auto now = std::chrono::steady_clock::now();
    if (progress && now - last_progress > std::chrono::seconds(1)) {
      fmt::print(stderr, "\rread {} events", totals.read);
      last_progress = now;
    }
  }
  for (auto& t : pending) account(t->wait(), totals);
  pipeline.shutdown();
  (*engine)->alerts().flush();
  totals.alerts = (*engine)->alerts().alerts_raised();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (progress) fmt::print(stderr, "\r");
  // What was read before the error went through like the rest (and is counted).
  if (reader.failure()) spdlog::error("{}", reader.failure()->message);
  if (totals.failure) spdlog::error("not everything was stored: {}", totals.failure->message);
  print_summary(totals, seconds);
  return totals.failure || reader.failure() ? kExitRuntime : kExitOk;
}

}  // namespace vigil
