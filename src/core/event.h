// The unit that flows through the pipeline. The document is the event as
// received, plus the canonical ECS fields normalization adds; analysis stages
// read raw values here, and only the sanitizer's output ever leaves the process.
#pragma once

#include <cstdint>
#include <string>

#include "core/severity.h"
#include "core/timestamp.h"
#include "core/value.h"

namespace vigil {

struct Event {
  Value doc;  // always an object
  Timestamp time;
  Timestamp received;
  bool time_from_receive = false;  // no usable timestamp: `time` is the receive time
  Severity severity = Severity::kInfo;
};

// Canonical (ECS) paths that normalization guarantees where the data allows,
// and that later stages (store columns, metrics, detections) read.
namespace canonical {
inline constexpr const char* kEventType = "event.action";
inline constexpr const char* kSeverity = "event.severity_name";
inline constexpr const char* kUser = "user.name";
inline constexpr const char* kSourceIp = "source.ip";
inline constexpr const char* kDestinationIp = "destination.ip";
inline constexpr const char* kSession = "session.id";
inline constexpr const char* kResource = "resource.name";
inline constexpr const char* kBytes = "data_volume.bytes";
inline constexpr const char* kHost = "host.name";
inline constexpr const char* kTimestamp = "@timestamp";
}  // namespace canonical

}  // namespace vigil
