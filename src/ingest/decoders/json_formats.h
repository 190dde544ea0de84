// ECS fields for JSON logs that arrive in their own shape: Windows event
// JSON (Event.System/Event.EventData, Winlogbeat, or the flat form), AWS
// CloudTrail records, Zeek JSON logs. The original fields stay in place (the
// Sigma mappings read them); ECS fields are added beside them.
#pragma once

#include <optional>

#include "core/timestamp.h"
#include "core/value.h"

namespace vigil::decode {

// Each returns the event time when the record carries one.
std::optional<Timestamp> add_windows_fields(Value& doc);
std::optional<Timestamp> add_cloudtrail_fields(Value& doc);
std::optional<Timestamp> add_zeek_fields(Value& doc);

// A JSON time: RFC 3339 text or epoch seconds/milliseconds.
std::optional<Timestamp> json_time(const Value* v);

}  // namespace vigil::decode
