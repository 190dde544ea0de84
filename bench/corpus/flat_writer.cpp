#include "corpus/event_writers.h"
#include "corpus/json_out.h"

namespace vigil::bench {

void write_flat(const SyntheticEvent& ev, TimestampFormatter& ts, std::string& out) {
  JsonOut j(out);
  j.open();
  std::string& ts_out = j.raw("timestamp");
  ts_out.push_back('"');
  ts.append(ts_out, ev.micros, 3, ev.offset_minutes);
  ts_out.push_back('"');
  j.str("event_type",
        ev.kind == Kind::kOther ? std::string_view(ev.other_type) : kind_name(ev.kind));
  if (!ev.severity.empty()) j.str("severity", ev.severity);
  if (!ev.user_id.empty()) j.str("user_id", ev.user_id);
  j.str("username", ev.user_name);
  j.str("ip_address", ev.ip);
  if (!ev.session.empty()) j.str("session_id", ev.session);
  if (!ev.user_agent.empty()) j.str("user_agent", ev.user_agent);
  j.str("host", ev.host);
  switch (ev.kind) {
    case Kind::kAuthSuccess:
    case Kind::kAuthFailure:
      j.str("auth_method", ev.auth_method);
      if (!ev.failure_reason.empty()) j.str("failure_reason", ev.failure_reason);
      if (!ev.attempted_password.empty()) j.str("password", ev.attempted_password);
      break;
    case Kind::kPermissionChange:
      if (ev.target) j.str("target_user", ev.target->name);
      j.open_array("old_permissions");
      for (auto p : ev.old_permissions) j.item(p);
      j.close_array().open_array("new_permissions");
      for (auto p : ev.new_permissions) j.item(p);
      j.close_array();
      j.str("changed_by", ev.user_name);
      break;
    case Kind::kDataAccess:
      j.str("resource_accessed", ev.resource);
      if (!ev.accessed_resources.empty()) {
        j.open_array("accessed_resources");
        for (auto r : ev.accessed_resources) j.item(r);
        j.close_array();
      }
      j.num("data_volume_bytes", static_cast<int64_t>(ev.data_volume_bytes));
      j.str("action", ev.action);
      break;
    case Kind::kDatabaseQuery:
      j.str("database", ev.database);
      j.str("query", ev.query);
      j.num("rows_returned", ev.rows);
      j.num("duration_ms", ev.duration_ms);
      break;
    case Kind::kOther:
      j.str("resource_accessed", ev.resource);
      break;
    case Kind::kLogout:
    case Kind::kPasswordReset:
      break;
  }
  j.str("message", ev.message);
  if (!ev.authorization.empty()) {
    j.open("request_headers").str("Authorization", ev.authorization).close();
  }
  j.close();
}

}  // namespace vigil::bench
