// Decoding rate of one decoder on one core: the lines of a real sample,
// repeated in memory, decoded chunk after chunk as a source hands them over,
// each into a new DecodeResult whose events are freed before the next chunk
// (the pipeline frees them on other threads; free_cpu_s says how much that is).
// Prints one JSON line:
//   {"decoder":D,"lines":N,"chunk_lines":K,"events":E,"flagged":F,"seconds":S,
//    "cpu_s":C,"free_cpu_s":FC,"lines_per_s":R,"lines_per_cpu_s":RC}
// cpu_s includes FC, the part spent freeing the events (before the next chunk).
//   decode_bench --decoder NAME [--lines N] [--chunk-lines K] [--year Y]
//                [--config YAML] FILE
// --chunk-lines: lines per chunk, 1,000 by default: what the file and syslog
// sources hand the pipeline (`batch_lines`), and about what `vigil replay`'s
// 256 KiB chunks hold of access lines. Up to session 10 the bench decoded
// 10,000 lines at a time; its figures are `--chunk-lines 10000`. Successive
// chunks walk the whole sample, whatever K is.
// --config: a vigil configuration whose `decoders:` (declared regex, kv and
// csv decoders) are known by name, e.g. bench/declared_decoders.yaml.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/allocator_tuning.h"
#include "ingest/decoders/decoder.h"

namespace {

double clock_s(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// The sample's non-empty lines, repeated so that any `chunk_lines` lines
// starting at any line of the sample are one contiguous text.
struct Sample {
  std::string text;
  std::vector<size_t> starts;  // of each line in text, and text's end
  size_t lines = 0;            // in the sample

  // The `count` lines after the first `done` of the endlessly repeated sample.
  std::string_view chunk(size_t done, size_t count) const {
    const size_t first = done % lines;
    return std::string_view(text).substr(starts[first], starts[first + count] - starts[first]);
  }
};

Sample repeat_sample(std::istream& in, size_t chunk_lines) {
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) {
    if (!l.empty()) lines.push_back(l);
  }
  Sample s;
  s.lines = lines.size();
  if (s.lines == 0) return s;
  for (size_t i = 0; i < s.lines + chunk_lines; ++i) {
    s.starts.push_back(s.text.size());
    (s.text += lines[i % s.lines]) += '\n';
  }
  s.starts.push_back(s.text.size());
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  vigil::tune_allocator();
  std::string decoder_name = "sshd", file;
  size_t target = 2'000'000;
  size_t chunk_lines = 1'000;
  vigil::DecoderCatalog catalog;
  catalog.ingest = vigil::default_config().ingest;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--decoder" && i + 1 < argc) {
      decoder_name = argv[++i];
    } else if (a == "--lines" && i + 1 < argc) {
      target = std::stoul(argv[++i]);
    } else if (a == "--chunk-lines" && i + 1 < argc) {
      chunk_lines = std::max<size_t>(1, std::stoul(argv[++i]));
    } else if (a == "--year" && i + 1 < argc) {
      catalog.year = std::stoi(argv[++i]);
    } else if (a == "--config" && i + 1 < argc) {
      auto config = vigil::load_config_file(argv[++i]);
      if (!config) {
        std::fprintf(stderr, "%s\n", config.error().message.c_str());
        return 2;
      }
      catalog.declared = config->decoders;
    } else {
      file = a;
    }
  }
  std::ifstream in(file, std::ios::binary);
  if (file.empty() || !in) {
    std::fprintf(stderr,
                 "usage: decode_bench --decoder NAME [--lines N] [--chunk-lines K] [--year Y] "
                 "[--config YAML] FILE\n");
    return 2;
  }
  const Sample sample = repeat_sample(in, chunk_lines);
  if (sample.lines == 0) return 2;
  auto decoder = vigil::make_decoder(decoder_name, catalog);
  if (!decoder) {
    std::fprintf(stderr, "%s\n", decoder.error().message.c_str());
    return 2;
  }
  size_t done = 0, events = 0, flagged = 0;
  const vigil::Timestamp received = vigil::Timestamp::now();
  const double wall0 = clock_s(CLOCK_MONOTONIC), cpu0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
  double free_cpu = 0;  // freeing the events, which the pipeline does on other threads
  while (done < target) {
    vigil::DecodeResult out;  // a new one per chunk, as the pipeline's EventPreparer::prepare
    (*decoder)->decode(sample.chunk(done, chunk_lines), done + 1, received, out);
    events += out.events.size();
    flagged += out.flagged;
    done += chunk_lines;
    const double free0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
    out = vigil::DecodeResult{};
    free_cpu += clock_s(CLOCK_THREAD_CPUTIME_ID) - free0;
  }
  const double wall = clock_s(CLOCK_MONOTONIC) - wall0;
  const double cpu = clock_s(CLOCK_THREAD_CPUTIME_ID) - cpu0;
  fmt::print(
      "{{\"decoder\":\"{}\",\"lines\":{},\"chunk_lines\":{},\"events\":{},\"flagged\":{},"
      "\"seconds\":{:.3f},"
      "\"cpu_s\":{:.3f},\"free_cpu_s\":{:.3f},\"lines_per_s\":{:.0f},\"lines_per_cpu_s\":{:.0f}}}"
      "\n",
      decoder_name, done, chunk_lines, events, flagged, wall, cpu, free_cpu,
      static_cast<double>(done) / wall, static_cast<double>(done) / cpu);
  return 0;
}
