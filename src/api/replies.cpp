#include "api/replies.h"

#include <algorithm>
#include <charconv>

#include "core/json_writer.h"

namespace vigil::api {

void reply_json(httplib::Response& res, int status, const fmt::memory_buffer& body) {
  res.status = status;
  res.set_content(std::string(body.data(), body.size()), "application/json");
}

void reply_error(httplib::Response& res, int status, std::string_view message) {
  fmt::memory_buffer out;
  JsonObjectWriter w(out);
  w.field("error", message);
  w.close();
  reply_json(res, status, out);
}

std::optional<Timestamp> parse_time_param(const std::string& s) {
  if (auto t = parse_iso8601(s)) return t;
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc() && ptr == s.data() + s.size()) return from_epoch_number(v);
  return std::nullopt;
}

std::optional<size_t> parse_limit_param(const std::string& s, size_t max) {
  size_t limit = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), limit);
  if (ec != std::errc() || ptr != s.data() + s.size() || limit == 0) return std::nullopt;
  return std::min(limit, max);
}

}  // namespace vigil::api
