#include "sanitize/scan_state.h"

namespace vigil::sanitize_detail {
namespace {

// A rare huge event should not pin its buffer to the thread for good.
constexpr size_t kKeepBytes = 1 << 20;

}  // namespace

void ScanState::clear() {
  if (buffer.capacity() > kKeepBytes) std::string().swap(buffer);
  if (out.capacity() > kKeepBytes) std::string().swap(out);
  buffer.clear();
  segments.clear();
  hits.clear();
  candidates.clear();
  findings.clear();
  out.clear();
  repeated.clear();
  numbers = 0;
  known_rewrites = 0;
  sensitive_keys = 0;
}

ScanState& ScanState::local() {
  thread_local ScanState state;
  return state;
}

}  // namespace vigil::sanitize_detail
