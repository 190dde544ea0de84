#include "corpus/event_writers.h"
#include "corpus/json_out.h"

namespace vigil::bench {
namespace {

struct EcsShape {
  std::string_view category;
  std::string_view type;
  std::string_view action;
};

EcsShape shape_of(const SyntheticEvent& ev) {
  switch (ev.kind) {
    case Kind::kAuthSuccess:
      return {"authentication", "start", "user_login"};
    case Kind::kAuthFailure:
      return {"authentication", "start", "user_login_failed"};
    case Kind::kPermissionChange:
      return {"iam", "change", "role_granted"};
    case Kind::kDataAccess:
      return {"file", "access", ev.action};
    case Kind::kDatabaseQuery:
      return {"database", "access", "query"};
    case Kind::kLogout:
      return {"authentication", "end", "user_logout"};
    case Kind::kPasswordReset:
      return {"iam", "change", "password_reset"};
    case Kind::kOther:
      break;
  }
  return {"process", "info", ev.other_type};
}

int ecs_severity(std::string_view s) {
  if (s == "high" || s == "error") return 3;
  if (s == "medium" || s == "warning") return 2;
  if (s == "low" || s == "LOW") return 1;
  return 0;
}

}  // namespace

void write_ecs(const SyntheticEvent& ev, TimestampFormatter& ts, std::string& out) {
  const EcsShape shape = shape_of(ev);
  JsonOut j(out);
  j.open();
  j.raw("@timestamp").push_back('"');
  ts.append(out, ev.micros, 6, 0);
  out.push_back('"');
  j.open("event");
  j.open_array("category").item(shape.category).close_array();
  j.open_array("type").item(shape.type).close_array();
  j.str("action", shape.action);
  if (ev.kind == Kind::kAuthSuccess || ev.kind == Kind::kAuthFailure) {
    j.str("outcome", ev.kind == Kind::kAuthSuccess ? "success" : "failure");
  }
  if (!ev.severity.empty()) j.num("severity", ecs_severity(ev.severity));
  j.close();

  j.open("user").str("name", ev.user_name);
  if (!ev.user_id.empty()) j.str("id", ev.user_id);
  if (!ev.email.empty() && ev.port % 3 == 0) j.str("email", ev.email);  // some sources add it
  if (ev.target) {
    j.open("target").str("name", ev.target->name).str("id", ev.target->id).close();
    j.open("changes").open_array("roles");
    for (auto p : ev.new_permissions) j.item(p);
    j.close_array().close();
  }
  j.close();
  j.open("source").str("ip", ev.ip).num("port", ev.port).close();
  j.open("host").str("name", ev.host).close();
  if (!ev.user_agent.empty()) j.open("user_agent").str("original", ev.user_agent).close();
  if (ev.kind == Kind::kDataAccess) {
    j.open("file").str("path", ev.resource);
    j.num("size", static_cast<int64_t>(ev.data_volume_bytes)).close();
  } else if (ev.kind == Kind::kDatabaseQuery) {
    j.open("db").str("name", ev.database).str("statement", ev.query);
    j.num("rows", ev.rows).close();
  }
  if (!ev.user_agent.empty()) {  // web traffic: the request that carried the event
    j.open("http").open("request").str("method", ev.kind == Kind::kDataAccess ? "GET" : "POST");
    if (!ev.authorization.empty()) {
      j.open("headers").str("authorization", ev.authorization).close();
    }
    j.close().open("response").num("status_code", ev.http_status).close().close();
  }
  if (!ev.session.empty()) j.open("labels").str("session_id", ev.session).close();
  j.str("message", ev.message);
  j.close();
}

}  // namespace vigil::bench
