// Why ingest refused an event (or a request): a closed set, shared by the
// decoder's per-line errors and vigil_ingest_events_rejected_total{reason}.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vigil {

enum class RejectReason : uint8_t {
  kParseError,        // not JSON
  kNotObject,         // JSON, but not an object
  kInvalidUtf8,       // bytes that are not UTF-8
  kTooDeep,           // nesting beyond ingest.max_depth
  kFieldTooLarge,     // a value beyond ingest.max_field_bytes
  kTooLarge,          // the event beyond ingest.max_event_bytes (or the body beyond max_body_bytes)
  kUnauthorized,      // missing or wrong bearer token
  kQueueFull,         // back-pressure: refused with 429/503, the sender should retry
  kInvalidTimestamp,  // the timestamp field is present but unparseable
  kOther,             // anything else
};
inline constexpr size_t kRejectReasonCount = 10;
static_assert(static_cast<size_t>(RejectReason::kOther) + 1 == kRejectReasonCount);

std::string_view to_string(RejectReason r);

}  // namespace vigil
