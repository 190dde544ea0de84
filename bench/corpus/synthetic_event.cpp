#include "corpus/synthetic_event.h"

namespace vigil::bench {

std::string_view kind_name(Kind k) {
  switch (k) {
    case Kind::kAuthSuccess:
      return "authentication_success";
    case Kind::kAuthFailure:
      return "authentication_failure";
    case Kind::kPermissionChange:
      return "permission_change";
    case Kind::kDataAccess:
      return "data_access";
    case Kind::kDatabaseQuery:
      return "database_query";
    case Kind::kLogout:
      return "logout";
    case Kind::kPasswordReset:
      return "password_reset";
    case Kind::kOther:
      break;
  }
  return "other";
}

void SyntheticEvent::reset() {
  // clear() keeps capacity: no allocation per event once buffers have grown.
  kind = Kind::kOther;
  other_type.clear();
  micros = 0;
  offset_minutes = 0;
  user_name = user_id = email = ip = user_agent = host = session = department = severity = {};
  port = 0;
  auth_method = failure_reason = resource = action = database = {};
  attempted_password.clear();
  authorization.clear();
  accessed_resources.clear();
  data_volume_bytes = 0;
  query.clear();
  rows = duration_ms = 0;
  target = nullptr;
  new_permissions.clear();
  old_permissions.clear();
  http_status = 0;
  message.clear();
}

}  // namespace vigil::bench
