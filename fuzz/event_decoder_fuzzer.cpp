// libFuzzer target: any bytes through the event decoder must either decode
// or be rejected with a reason, never crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ingest/event_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static vigil::IngestConfig config;
  static vigil::EventDecoder decoder(config);
  vigil::DecodeResult out;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  decoder.decode(body, vigil::BodyFormat::kAuto, 1, vigil::Timestamp{0}, out);
  if (out.events.size() + out.errors.size() > out.read + 1) __builtin_trap();
  return 0;
}
