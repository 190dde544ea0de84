// POST and GET /api/v1/events.
#include <fmt/format.h>

#include "api/http_server.h"
#include "api/replies.h"
#include "core/json_writer.h"
#include "core/strings.h"

namespace vigil {
namespace {

using api::parse_limit_param;
using api::parse_time_param;
using api::reply_error;
using api::reply_json;

void write_errors(JsonObjectWriter& w, const std::vector<LineError>& errors) {
  auto& out = w.raw_field("errors");
  out.push_back('[');
  for (size_t i = 0; i < errors.size(); ++i) {
    if (i) out.push_back(',');
    JsonObjectWriter e(out);
    e.field("line", static_cast<uint64_t>(errors[i].line));
    e.field("error", errors[i].error);
    e.close();
  }
  out.push_back(']');
}

// 429 for a full queue, 507 for a full disk, 503 for any other store failure:
// each tells the client to come back, none pretends the events were kept.
int status_for(const Error& e) {
  switch (e.code) {
    case ErrorCode::kUnavailable:
      return 429;
    case ErrorCode::kStorageFull:
      return 507;
    default:
      return 503;
  }
}

}  // namespace

void HttpServer::post_events(const httplib::Request& req, httplib::Response& res) {
  const std::string content_type = ascii_lower(req.get_header_value("Content-Type"));
  WorkItem item;
  item.format =
      content_type.find("ndjson") != std::string::npos ? BodyFormat::kNdjson : BodyFormat::kAuto;
  item.body = req.body;
  item.received = Timestamp::now();
  auto ticket = pipeline_.submit(std::move(item), SubmitMode::kFailFast);
  if (!ticket) {
    res.set_header("Retry-After", std::to_string(config_.retry_after_s));
    reply_error(res, status_for(ticket.error()), ticket.error().message);
    return;
  }
  const BatchOutcome& outcome = (*ticket)->wait();
  fmt::memory_buffer out;
  JsonObjectWriter w(out);
  if (outcome.failure) {
    res.set_header("Retry-After", std::to_string(config_.retry_after_s));
    w.field("accepted", uint64_t{0});
    w.field("rejected", static_cast<uint64_t>(outcome.read));
    w.field("error", fmt::format("not stored: {}", outcome.failure->message));
    w.close();
    reply_json(res, status_for(*outcome.failure), out);
    return;
  }
  w.field("accepted", static_cast<uint64_t>(outcome.accepted));
  w.field("rejected", static_cast<uint64_t>(outcome.rejected));
  write_errors(w, outcome.errors);
  w.close();
  const bool nothing_good = outcome.accepted == 0 && outcome.rejected > 0;
  reply_json(res, nothing_good ? 400 : 200, out);
}

void HttpServer::get_events(const httplib::Request& req, httplib::Response& res) {
  EventStore* store = pipeline_.store();
  if (store == nullptr) return reply_error(res, 404, "this instance runs without a store");
  const Sanitizer& sanitizer = *pipeline_.stages().sanitizer;
  EventQuery q;
  for (const char* key : {"from", "to"}) {
    if (!req.has_param(key)) continue;
    auto t = parse_time_param(req.get_param_value(key));
    if (!t)
      return reply_error(res, 400,
                         fmt::format("'{}' is not an RFC 3339 time or epoch seconds", key));
    (std::string_view(key) == "from" ? q.from : q.to) = t;
  }
  q.event_type = req.get_param_value("event_type");
  // Stored columns hold sanitized values: filter values go through the same sanitizer.
  if (req.has_param("user")) q.user = sanitizer.sanitize_text(req.get_param_value("user"));
  if (req.has_param("source_ip"))
    q.source_ip = sanitizer.sanitize_text(req.get_param_value("source_ip"));
  if (req.has_param("min_severity")) {
    q.min_severity = parse_severity(req.get_param_value("min_severity"));
    if (!q.min_severity)
      return reply_error(res, 400, "min_severity must be info|low|medium|high|critical");
  }
  if (req.has_param("limit")) {
    const auto limit = parse_limit_param(req.get_param_value("limit"), 1000);
    if (!limit) return reply_error(res, 400, "limit must be a positive integer");
    q.limit = *limit;
  }
  q.cursor = req.get_param_value("cursor");
  auto page = store->query(q);
  if (!page)
    return reply_error(res, page.error().code == ErrorCode::kInvalidInput ? 400 : 503,
                       page.error().message);
  fmt::memory_buffer out;
  out.append(std::string_view("{\"events\":["));
  for (size_t i = 0; i < page->events_json.size(); ++i) {
    if (i) out.push_back(',');
    out.append(page->events_json[i]);
  }
  out.append(std::string_view("],\"next_cursor\":"));
  if (page->next_cursor.empty()) {
    out.append(std::string_view("null"));
  } else {
    append_json_string(out, page->next_cursor);
  }
  out.push_back('}');
  reply_json(res, 200, out);
}

}  // namespace vigil
