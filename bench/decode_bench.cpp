// Decoding rate of one decoder on one core: the lines of a real sample,
// repeated in memory, decoded in chunks of 10,000 lines as a source hands
// them over. Prints one JSON line:
//   {"decoder":D,"lines":N,"events":E,"flagged":F,"seconds":S,"cpu_s":C,
//    "lines_per_s":R,"lines_per_cpu_s":RC}
//   decode_bench --decoder NAME [--lines N] [--year Y] [--config YAML] FILE
// --config: a vigil configuration whose `decoders:` (declared regex, kv and
// csv decoders) are known by name, e.g. bench/declared_decoders.yaml.
#include <fmt/format.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
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

}  // namespace

int main(int argc, char** argv) {
  vigil::tune_allocator();
  std::string decoder_name = "sshd", file;
  size_t target = 2'000'000;
  vigil::DecoderCatalog catalog;
  catalog.ingest = vigil::default_config().ingest;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--decoder" && i + 1 < argc) {
      decoder_name = argv[++i];
    } else if (a == "--lines" && i + 1 < argc) {
      target = std::stoul(argv[++i]);
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
    std::fprintf(
        stderr, "usage: decode_bench --decoder NAME [--lines N] [--year Y] [--config YAML] FILE\n");
    return 2;
  }
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) {
    if (!l.empty()) lines.push_back(l);
  }
  if (lines.empty()) return 2;
  constexpr size_t kChunkLines = 10'000;
  std::string chunk;
  for (size_t i = 0; i < kChunkLines; ++i) (chunk += lines[i % lines.size()]) += '\n';
  auto decoder = vigil::make_decoder(decoder_name, catalog);
  if (!decoder) {
    std::fprintf(stderr, "%s\n", decoder.error().message.c_str());
    return 2;
  }
  size_t done = 0, events = 0, flagged = 0;  // flagged: out.flagged adds up over chunks
  const vigil::Timestamp received = vigil::Timestamp::now();
  vigil::DecodeResult out;
  const double wall0 = clock_s(CLOCK_MONOTONIC), cpu0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
  while (done < target) {
    out.events.clear();
    out.errors.clear();
    (*decoder)->decode(chunk, done + 1, received, out);
    events += out.events.size();
    done += kChunkLines;
  }
  const double wall = clock_s(CLOCK_MONOTONIC) - wall0;
  const double cpu = clock_s(CLOCK_THREAD_CPUTIME_ID) - cpu0;
  flagged = out.flagged;
  fmt::print(
      "{{\"decoder\":\"{}\",\"lines\":{},\"events\":{},\"flagged\":{},\"seconds\":{:.3f},"
      "\"cpu_s\":{:.3f},\"lines_per_s\":{:.0f},\"lines_per_cpu_s\":{:.0f}}}\n",
      decoder_name, done, events, flagged, wall, cpu, static_cast<double>(done) / wall,
      static_cast<double>(done) / cpu);
  return 0;
}
