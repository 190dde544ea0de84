// One HTTP(S) request for the feed fetchers (libcurl): time-outs, a size cap,
// conditional requests (ETag / If-Modified-Since) and basic auth. Transport
// failures are errors; any HTTP status is a reply the caller judges.
#pragma once

#include <atomic>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"

namespace vigil::intel {

struct HttpRequest {
  std::string url;
  std::string method = "GET";  // GET | POST
  std::string body;
  std::vector<std::string> headers;  // "Name: value"
  std::string basic_user;            // basic auth when not empty
  std::string basic_password;
  long timeout_s = 60;
  std::string if_none_match;      // ETag of the copy we hold
  std::string if_modified_since;  // its Last-Modified
  size_t max_bytes = size_t{1} << 30;
  const std::atomic<bool>* abort = nullptr;  // set: the transfer stops (shutdown)
};

struct HttpReply {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string header(const std::string& lower_name) const;
};

Result<HttpReply> http_fetch(const HttpRequest& request);

bool is_http_url(std::string_view location);
// `ref` resolved against `base`: absolute URLs as they are, "/path" on base's
// origin, anything else appended to base's directory.
std::string resolve_url(std::string_view base, std::string_view ref);
// The URL without user info and query (what logs and the API may show).
std::string redact_url(std::string_view url);
// The value of an environment variable, or an error naming it.
Result<std::string> secret_from_env(const std::string& name);

}  // namespace vigil::intel
