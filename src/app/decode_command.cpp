// `vigil decode --decoder NAME FILE`: how users check a decoder (built-in or
// declared in the config) on their own logs before pointing a source at it.
// Prints the canonical events as the pipeline sees them after normalization,
// before enrichment and sanitizing, so it is a local debugging tool: its
// output is the user's own data, unredacted, on their terminal.
#include <fmt/format.h>

#include <cstdio>

#include "app/commands.h"
#include "app/config_loading.h"
#include "app/log_decoding.h"
#include "core/json_writer.h"
#include "normalize/normalizer.h"

namespace vigil {

int run_decode(const Overrides& overrides, const DecodeArgs& args) {
  auto config = load_decoding_config(overrides, args.year);
  if (!config) return kExitUsage;
  auto decoded = decode_log_file(args.input, args.decoder, decoder_catalog(*config));
  if (!decoded) {
    fmt::print(stderr, "vigil: {}\n", decoded.error().message);
    return decoded.error().code == ErrorCode::kConfig ? kExitUsage : kExitRuntime;
  }
  const Normalizer normalizer(config->normalize);
  fmt::memory_buffer out;
  for (Event& e : decoded->decoded.events) {
    normalizer.normalize(e);
    out.clear();
    append_json(out, e.doc);
    out.push_back('\n');
    std::fwrite(out.data(), 1, out.size(), stdout);
  }
  const DecodeResult& result = decoded->decoded;
  for (const auto& e : result.errors) {
    fmt::print(stderr, "{}:{}: {}\n", args.input, e.line, e.error);
  }
  fmt::print(stderr, "{} events ({} flagged with a parse error), {} rejected\n",
             result.events.size(), result.flagged, result.errors.size());
  if (!decoded->read_error) return kExitOk;
  // The events above are what was read before the cut, as replay keeps them.
  fmt::print(stderr, "vigil: {}\n", decoded->read_error->message);
  return kExitRuntime;
}

}  // namespace vigil
