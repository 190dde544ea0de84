// Shared pieces of the API handlers: JSON replies, errors, and the query
// parameters several routes take (times, limits).
#pragma once

#include <fmt/format.h>
#include <httplib.h>

#include <optional>
#include <string>
#include <string_view>

#include "core/timestamp.h"

namespace vigil::api {

void reply_json(httplib::Response& res, int status, const fmt::memory_buffer& body);
// {"error": message}
void reply_error(httplib::Response& res, int status, std::string_view message);
// RFC 3339 or epoch seconds.
std::optional<Timestamp> parse_time_param(const std::string& s);
// A positive integer, capped at `max`; nullopt when malformed or zero.
std::optional<size_t> parse_limit_param(const std::string& s, size_t max);

}  // namespace vigil::api
