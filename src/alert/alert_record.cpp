#include "alert/alert_record.h"

#include "core/json_writer.h"

namespace vigil {

std::string_view to_string(AlertStatus s) {
  switch (s) {
    case AlertStatus::kOpen:
      return "open";
    case AlertStatus::kAcknowledged:
      return "acknowledged";
    case AlertStatus::kClosed:
      return "closed";
  }
  return "open";
}

std::optional<AlertStatus> parse_alert_status(std::string_view s) {
  if (s == "open") return AlertStatus::kOpen;
  if (s == "acknowledged") return AlertStatus::kAcknowledged;
  if (s == "closed") return AlertStatus::kClosed;
  return std::nullopt;
}

bool can_transition(AlertStatus from, AlertStatus to) {
  return static_cast<int>(to) > static_cast<int>(from);
}

void append_alert_json(fmt::memory_buffer& out, const AlertRecord& r) {
  JsonObjectWriter w(out);
  w.field("id", r.id);
  w.field("status", to_string(r.status));
  w.field("count", r.count);
  w.field("first_seen", format_rfc3339(r.first_seen));
  w.field("last_seen", format_rfc3339(r.last_seen));
  // The body is an object written by us: splice its members in.
  const std::string_view body = r.body_json;
  if (body.size() > 2) {
    out.push_back(',');
    out.append(body.substr(1, body.size() - 2));
  }
  w.close();
}

std::string alert_json(const AlertRecord& r) {
  fmt::memory_buffer out;
  append_alert_json(out, r);
  return fmt::to_string(out);
}

}  // namespace vigil
