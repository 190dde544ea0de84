// GET /api/v1/alerts, GET /api/v1/alerts/{id}, POST /api/v1/alerts/{id}.
#include <nlohmann/json.hpp>

#include "api/http_server.h"
#include "api/replies.h"
#include "core/json_writer.h"

namespace vigil {
namespace {

using api::parse_limit_param;
using api::parse_time_param;
using api::reply_error;
using api::reply_json;

constexpr size_t kMaxAlertsPerPage = 1000;

void reply_alert(httplib::Response& res, const AlertRecord& r) {
  fmt::memory_buffer out;
  append_alert_json(out, r);
  reply_json(res, 200, out);
}

// Fills q from the request; an error message when a parameter is malformed.
std::optional<std::string> read_alert_query(const httplib::Request& req, AlertQuery& q) {
  for (const char* key : {"from", "to"}) {
    if (!req.has_param(key)) continue;
    auto t = parse_time_param(req.get_param_value(key));
    if (!t) return fmt::format("'{}' is not an RFC 3339 time or epoch seconds", key);
    (std::string_view(key) == "from" ? q.from : q.to) = t;
  }
  for (const char* key : {"severity", "min_severity"}) {
    if (!req.has_param(key)) continue;
    auto s = parse_severity(req.get_param_value(key));
    if (!s) return fmt::format("{} must be info|low|medium|high|critical", key);
    (std::string_view(key) == "severity" ? q.severity : q.min_severity) = s;
  }
  if (req.has_param("status")) {
    q.status = parse_alert_status(req.get_param_value("status"));
    if (!q.status) return std::string("status must be open|acknowledged|closed");
  }
  q.rule = req.get_param_value("rule");
  if (req.has_param("limit")) {
    auto limit = parse_limit_param(req.get_param_value("limit"), kMaxAlertsPerPage);
    if (!limit) return std::string("limit must be a positive integer");
    q.limit = *limit;
  }
  return std::nullopt;
}

}  // namespace

void HttpServer::get_alerts(const httplib::Request& req, httplib::Response& res) {
  AlertStore* store = alerts_ ? alerts_->store() : nullptr;
  if (store == nullptr) return reply_error(res, 404, "this instance runs without a store");
  AlertQuery q;
  if (auto bad = read_alert_query(req, q)) return reply_error(res, 400, *bad);
  auto found = store->query(q);
  if (!found) return reply_error(res, 503, found.error().message);
  fmt::memory_buffer out;
  out.append(std::string_view("{\"alerts\":["));
  for (size_t i = 0; i < found->size(); ++i) {
    if (i) out.push_back(',');
    append_alert_json(out, (*found)[i]);
  }
  out.append(std::string_view("]}"));
  reply_json(res, 200, out);
}

void HttpServer::get_alert(const httplib::Request& req, httplib::Response& res) {
  AlertStore* store = alerts_ ? alerts_->store() : nullptr;
  if (store == nullptr) return reply_error(res, 404, "this instance runs without a store");
  auto found = store->get(req.matches[1]);
  if (!found) return reply_error(res, 503, found.error().message);
  if (!*found) return reply_error(res, 404, "no such alert");
  reply_alert(res, **found);
}

void HttpServer::post_alert(const httplib::Request& req, httplib::Response& res) {
  if (alerts_ == nullptr || alerts_->store() == nullptr) {
    return reply_error(res, 404, "this instance runs without a store");
  }
  const auto body = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || !body.contains("status") || !body["status"].is_string()) {
    return reply_error(res, 400, R"(expected {"status": "acknowledged" | "closed"})");
  }
  const auto status = parse_alert_status(body["status"].get<std::string>());
  if (!status) return reply_error(res, 400, "status must be open|acknowledged|closed");
  auto changed = alerts_->set_status(req.matches[1], *status);
  if (!changed) {
    switch (changed.error().code) {
      case ErrorCode::kNotFound:
        return reply_error(res, 404, changed.error().message);
      case ErrorCode::kInvalidInput:
        return reply_error(res, 409, changed.error().message);
      default:
        return reply_error(res, 503, changed.error().message);
    }
  }
  reply_alert(res, *changed);
}

}  // namespace vigil
