// The sanitized form of an alert: what is stored, served by the API and sent
// to outputs. Built once from an Alert by AlertRouter; nothing raw inside.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/severity.h"
#include "core/timestamp.h"

namespace vigil {

enum class AlertStatus { kOpen, kAcknowledged, kClosed };

std::string_view to_string(AlertStatus s);
std::optional<AlertStatus> parse_alert_status(std::string_view s);
// Alerts move forward only: open -> acknowledged -> closed (open -> closed
// allowed); a closed alert stays closed, a new event opens a new alert.
bool can_transition(AlertStatus from, AlertStatus to);

struct AlertRecord {
  std::string id;
  std::string rule_name;
  std::string rule_id;
  Severity severity = Severity::kMedium;
  AlertStatus status = AlertStatus::kOpen;
  Timestamp first_seen;
  Timestamp last_seen;
  uint64_t count = 1;
  // The alert's other fields as one JSON object (rule, entity, tags, events,
  // ...). The fields above are kept apart because they change after creation.
  std::string body_json;
};

// The whole alert as one JSON object: id, status, count, first_seen and
// last_seen followed by the body's fields.
void append_alert_json(fmt::memory_buffer& out, const AlertRecord& r);
std::string alert_json(const AlertRecord& r);

}  // namespace vigil
