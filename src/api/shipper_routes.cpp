// The bodies log shippers already send, answered the way each shipper
// expects, so Beats/Logstash and Splunk forwarders can point at vigil:
//   POST /_bulk, /<index>/_bulk        Elastic bulk API (index/create actions)
//   GET  /                             the Elasticsearch banner Beats check
//   POST /services/collector[/event]   Splunk HEC, concatenated JSON events
//   GET  /services/collector/health    HEC health
// Both submit through the same pipeline as POST /api/v1/events; a missing or
// wrong token is answered in each shipper's own error shape.
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>

#include "api/http_server.h"
#include "api/replies.h"
#include "core/error.h"
#include "core/json_writer.h"
#include "core/strings.h"

namespace vigil {
namespace {

using api::reply_json;

// The JSON values of a body holding several back to back (HEC sends them
// with or without separators). Stops at the first value that is not an
// object or is unterminated and returns its offset; npos when all are whole.
size_t split_concatenated(std::string_view body, std::vector<std::string_view>& out) {
  size_t i = 0;
  while (i < body.size()) {
    while (i < body.size() &&
           (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' || body[i] == '\t'))
      ++i;
    if (i >= body.size()) break;
    if (body[i] != '{') return i;
    const size_t start = i;
    int depth = 0;
    bool in_string = false;
    for (; i < body.size(); ++i) {
      const char c = body[i];
      if (in_string) {
        if (c == '\\') {
          ++i;
        } else if (c == '"') {
          in_string = false;
        }
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) {
          ++i;
          break;
        }
      }
    }
    if (depth != 0) return start;
    out.push_back(body.substr(start, i - start));
  }
  return std::string_view::npos;
}

// HEC's reply: {"text":..., "code":N} with the status and code Splunk uses
// (0 Success, 2 Token is required, 3 Invalid authorization, 4 Invalid token,
// 5 No data, 6 Invalid data format, 9 Server is busy, 12 Event field is
// required, 13 Event field cannot be blank).
void hec_reply(httplib::Response& res, int status, std::string_view text, int code,
               int invalid_event = -1) {
  fmt::memory_buffer out;
  JsonObjectWriter w(out);
  w.field("text", text);
  w.field("code", code);
  if (invalid_event >= 0) w.field("invalid-event-number", invalid_event);
  w.close();
  reply_json(res, status, out);
}

struct HecRejection {
  int code = 0;
  std::string_view text;
};

// Sets the nested field `path` unless the event already has it; when a scalar
// blocks the way, the flat dotted key is used instead.
void set_unless_present(nlohmann::json& doc, std::initializer_list<const char*> path,
                        const nlohmann::json& v) {
  nlohmann::json* slot = &doc;
  size_t depth = 0;
  for (const char* key : path) {
    if (slot->is_null()) *slot = nlohmann::json::object();
    if (!slot->is_object()) break;
    if (++depth == path.size()) {
      if (!slot->contains(key)) (*slot)[key] = v;
      return;
    }
    slot = &(*slot)[key];
  }
  std::string flat;
  for (const char* key : path) flat += flat.empty() ? key : fmt::format(".{}", key);
  if (!doc.contains(flat)) doc[flat] = v;
}

// One HEC event as a vigil JSON line: the event object (or {"message": text}),
// plus the envelope's fields, host, source, sourcetype, index and time.
tl::expected<std::string, HecRejection> hec_to_event(const nlohmann::json& hec) {
  if (!hec.is_object() || !hec.contains("event") || hec["event"].is_null())
    return tl::unexpected(HecRejection{12, "Event field is required"});
  const auto& ev = hec["event"];
  if ((ev.is_string() && trim(ev.get_ref<const std::string&>()).empty()) ||
      (ev.is_object() && ev.empty()))
    return tl::unexpected(HecRejection{13, "Event field cannot be blank"});
  nlohmann::json doc =
      ev.is_object()
          ? ev
          : nlohmann::json{{"message", ev.is_string() ? ev.get<std::string>() : ev.dump()}};
  if (hec.contains("fields") && hec["fields"].is_object()) {
    for (const auto& [k, v] : hec["fields"].items()) {
      if (!doc.contains(k)) doc[k] = v;
    }
  }
  if (hec.contains("host") && hec["host"].is_string())
    set_unless_present(doc, {"host", "name"}, hec["host"]);
  if (hec.contains("sourcetype") && hec["sourcetype"].is_string())
    set_unless_present(doc, {"event", "dataset"}, hec["sourcetype"]);
  if (hec.contains("source") && hec["source"].is_string())
    set_unless_present(doc, {"log", "file", "path"}, hec["source"]);
  if (hec.contains("index") && hec["index"].is_string())
    set_unless_present(doc, {"splunk", "index"}, hec["index"]);
  if (hec.contains("time") && !doc.contains("@timestamp")) {
    // Epoch seconds, as a number or a string, with an optional fraction.
    const auto& t = hec["time"];
    double seconds = -1;
    if (t.is_number()) seconds = t.get<double>();
    if (t.is_string()) seconds = std::strtod(t.get_ref<const std::string&>().c_str(), nullptr);
    if (seconds > 0 && seconds < 32503680000.0)  // before year 3000
      doc["@timestamp"] = format_rfc3339(Timestamp{std::llround(seconds * 1e6)});
  }
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string next_id() {
  static std::atomic<uint64_t> counter{0};
  const auto now = std::chrono::system_clock::now().time_since_epoch().count();
  return fmt::format("{:x}{:08x}", now, counter.fetch_add(1));
}

bool has_token_scheme(std::string_view authorization) {
  for (std::string_view scheme : {"splunk ", "bearer ", "apikey "}) {
    if (authorization.size() > scheme.size() &&
        iequals_ascii(authorization.substr(0, scheme.size()), scheme))
      return true;
  }
  return false;
}

bool is_hec_path(std::string_view path) {
  return path.substr(0, 19) == "/services/collector";
}

bool is_elastic_path(std::string_view path) {
  return path == "/" || (path.size() >= 6 && path.substr(path.size() - 6) == "/_bulk");
}

}  // namespace

bool HttpServer::reply_shipper_unauthorized(const httplib::Request& req, httplib::Response& res) {
  const std::string authorization = req.get_header_value("Authorization");
  if (is_hec_path(req.path)) {
    // Splunk tells a missing token, a header that is not "Splunk <token>",
    // and an unknown token apart.
    if (trim(authorization).empty()) {
      hec_reply(res, 401, "Token is required", 2);
    } else if (!has_token_scheme(authorization)) {
      hec_reply(res, 401, "Invalid authorization", 3);
    } else {
      hec_reply(res, 403, "Invalid token", 4);
    }
    return true;
  }
  if (is_elastic_path(req.path)) {
    fmt::memory_buffer out;
    out.append(std::string_view(
        R"({"error":{"type":"security_exception","reason":"missing or invalid credentials for REST request"},"status":401})"));
    res.set_header("WWW-Authenticate", "ApiKey");
    res.set_header("X-elastic-product", "Elasticsearch");
    reply_json(res, 401, out);
    return true;
  }
  return false;
}

void HttpServer::post_hec(const httplib::Request& req, httplib::Response& res) {
  std::vector<std::string_view> parts;
  const size_t broken_at = split_concatenated(req.body, parts);
  if (parts.empty() && broken_at == std::string_view::npos)
    return hec_reply(res, 400, "No data", 5);
  // Every well-formed event is kept; the reply names the first bad one, as
  // HEC's single invalid-event-number allows.
  std::optional<std::pair<int, HecRejection>> first_bad;
  std::vector<int> event_of_line;  // submitted line (0-based) -> event number
  std::string body;
  for (size_t i = 0; i < parts.size(); ++i) {
    nlohmann::json hec = nlohmann::json::parse(parts[i], nullptr, false);
    auto line = hec.is_discarded() ? tl::unexpected(HecRejection{6, "Invalid data format"})
                                   : hec_to_event(hec);
    if (!line) {
      if (!first_bad) first_bad.emplace(static_cast<int>(i), line.error());
      continue;
    }
    body += *line;
    body += '\n';
    event_of_line.push_back(static_cast<int>(i));
  }
  if (broken_at != std::string_view::npos && !first_bad)
    first_bad.emplace(static_cast<int>(parts.size()), HecRejection{6, "Invalid data format"});
  if (!body.empty()) {
    WorkItem item;
    item.body = std::move(body);
    item.format = BodyFormat::kNdjson;
    item.received = Timestamp::now();
    auto ticket = pipeline_.submit(std::move(item), SubmitMode::kFailFast);
    if (!ticket) return hec_reply(res, 503, "Server is busy", 9);
    const BatchOutcome& outcome = (*ticket)->wait();
    if (outcome.failure) return hec_reply(res, 503, "Server is busy", 9);
    for (const auto& e : outcome.errors) {
      if (e.line < 1 || e.line > event_of_line.size()) continue;
      const int event = event_of_line[e.line - 1];
      if (!first_bad || event < first_bad->first)
        first_bad.emplace(event, HecRejection{6, "Invalid data format"});
      break;  // errors come by line: the first is the earliest
    }
  }
  if (first_bad)
    return hec_reply(res, 400, first_bad->second.text, first_bad->second.code, first_bad->first);
  hec_reply(res, 200, "Success", 0);
}

namespace {

// One action of a bulk body and what became of it.
struct BulkItem {
  std::string action, index;
  int status = 201;
  std::string error_type, error;
  size_t doc = 0;  // 1-based number among the submitted documents; 0 = none
};

void reply_bulk_error(httplib::Response& res, int status, std::string_view type,
                      std::string_view reason) {
  fmt::memory_buffer out;
  JsonObjectWriter w(out);
  {
    JsonObjectWriter e(w.raw_field("error"));
    e.field("type", type);
    e.field("reason", reason);
    e.close();
  }
  w.field("status", status);
  w.close();
  res.set_header("X-elastic-product", "Elasticsearch");
  reply_json(res, status, out);
}

void write_bulk_reply(httplib::Response& res, const std::vector<BulkItem>& items,
                      std::chrono::steady_clock::time_point started) {
  // Elasticsearch's order: took, errors, items (Beats read it as a stream).
  bool any_error = false;
  for (const BulkItem& it : items) any_error |= !it.error.empty();
  fmt::memory_buffer out;
  JsonObjectWriter w(out);
  w.field("took", static_cast<int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::steady_clock::now() - started)
                                           .count()));
  w.field("errors", any_error);
  auto& list = w.raw_field("items");
  list.push_back('[');
  for (size_t i = 0; i < items.size(); ++i) {
    const BulkItem& it = items[i];
    if (i) list.push_back(',');
    list.push_back('{');
    append_json_string(list, it.action);
    list.push_back(':');
    JsonObjectWriter r(list);
    r.field("_index", it.index);
    if (it.error.empty()) {
      r.field("_id", next_id());
      r.field("_version", 1);
      r.field("result", "created");
      r.field("status", it.status);
    } else {
      r.field("status", it.status);
      JsonObjectWriter e(r.raw_field("error"));
      e.field("type", it.error_type);
      e.field("reason", it.error);
      e.close();
    }
    r.close();
    list.push_back('}');
  }
  list.push_back(']');
  w.close();
  res.set_header("X-elastic-product", "Elasticsearch");
  reply_json(res, 200, out);
}

}  // namespace

void HttpServer::post_bulk(const httplib::Request& req, httplib::Response& res) {
  const auto started = std::chrono::steady_clock::now();
  const std::string path_index = req.matches.size() > 1 ? std::string(req.matches[1]) : "";
  // Pairs of lines: the action, then (for index/create/update) its document.
  std::vector<BulkItem> items;
  std::vector<std::string_view> docs;
  std::string_view rest = req.body;
  size_t line_number = 0;
  auto next_line = [&]() -> std::optional<std::string_view> {
    while (!rest.empty()) {
      const size_t nl = rest.find('\n');
      std::string_view line = rest.substr(0, nl);
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
      ++line_number;
      if (!trim(line).empty()) return line;
    }
    return std::nullopt;
  };
  while (auto action_line = next_line()) {
    // As Elasticsearch does, a malformed action line fails the whole request.
    const nlohmann::json action = nlohmann::json::parse(*action_line, nullptr, false);
    if (action.is_discarded() || !action.is_object() || action.size() != 1 ||
        !action.begin().value().is_object()) {
      return reply_bulk_error(
          res, 400, "illegal_argument_exception",
          fmt::format("Malformed action/metadata line [{}], expected an object with one action",
                      line_number));
    }
    BulkItem item;
    item.action = action.begin().key();
    if (item.action != "index" && item.action != "create" && item.action != "update" &&
        item.action != "delete") {
      return reply_bulk_error(
          res, 400, "illegal_argument_exception",
          fmt::format("Malformed action/metadata line [{}], expected field [create], [delete], "
                      "[index] or [update] but found [{}]",
                      line_number, item.action));
    }
    const auto& meta = action.begin().value();
    item.index = meta.contains("_index") && meta["_index"].is_string()
                     ? meta["_index"].get<std::string>()
                     : path_index;
    if (item.action == "delete") {
      item.status = 400;
      item.error_type = "illegal_argument_exception";
      item.error = "vigil keeps events: it accepts index and create actions only";
    } else if (auto doc = next_line(); !doc) {
      item.status = 400;
      item.error_type = "illegal_argument_exception";
      item.error = "the action has no document line";
    } else if (item.action == "update") {
      item.status = 400;
      item.error_type = "illegal_argument_exception";
      item.error = "vigil keeps events: it accepts index and create actions only";
    } else {
      docs.push_back(*doc);
      item.doc = docs.size();
    }
    items.push_back(std::move(item));
  }
  if (items.empty()) {
    return reply_bulk_error(res, 400, "action_request_validation_exception",
                            "Validation Failed: 1: no requests added;");
  }
  // Documents go to the pipeline in chunks no longer than the number of line
  // errors an outcome itemizes, so every item gets its own verdict.
  std::vector<const LineError*> doc_errors(docs.size() + 1, nullptr);
  std::vector<bool> doc_refused(docs.size() + 1, false);
  std::vector<std::pair<size_t, Result<std::shared_ptr<BatchTicket>>>> tickets;
  for (size_t first = 0; first < docs.size(); first += kMaxReportedErrors) {
    const size_t last = std::min(docs.size(), first + kMaxReportedErrors);
    WorkItem work;
    for (size_t d = first; d < last; ++d) {
      work.body.append(docs[d]);
      work.body.push_back('\n');
    }
    work.format = BodyFormat::kNdjson;
    work.received = Timestamp::now();
    tickets.emplace_back(first, pipeline_.submit(std::move(work), SubmitMode::kFailFast));
  }
  size_t refused_chunks = 0;
  for (auto& [first, ticket] : tickets) {
    const size_t count = std::min(docs.size() - first, kMaxReportedErrors);
    const BatchOutcome* outcome = ticket ? &(*ticket)->wait() : nullptr;
    if (outcome == nullptr || outcome->failure) {
      ++refused_chunks;
      for (size_t d = first + 1; d <= first + count; ++d) doc_refused[d] = true;
      continue;
    }
    for (const auto& e : outcome->errors) {
      if (e.line >= 1 && e.line <= count) doc_errors[first + e.line] = &e;
    }
  }
  if (refused_chunks > 0 && refused_chunks == tickets.size() && docs.size() == items.size()) {
    // Nothing was taken: Beats and Logstash retry the whole request on 429.
    res.set_header("Retry-After", std::to_string(config_.retry_after_s));
    return reply_bulk_error(res, 429, "es_rejected_execution_exception",
                            "vigil's ingest queue is full or its store is failing");
  }
  for (auto& it : items) {
    if (it.doc == 0) continue;
    if (doc_refused[it.doc]) {  // shippers retry single items that got 429
      it.status = 429;
      it.error_type = "es_rejected_execution_exception";
      it.error = "vigil's ingest queue is full or its store is failing";
    } else if (doc_errors[it.doc]) {
      it.status = 400;
      it.error_type = "document_parsing_exception";
      it.error = doc_errors[it.doc]->error;
    }
  }
  write_bulk_reply(res, items, started);
}

void HttpServer::get_elastic_banner(httplib::Response& res) {
  fmt::memory_buffer out;
  out.append(std::string_view(
      R"({"name":"vigil","cluster_name":"vigil","cluster_uuid":"vigil","version":{"number":"8.11.0","build_flavor":"default","lucene_version":"9.8.0","minimum_wire_compatibility_version":"7.17.0","minimum_index_compatibility_version":"7.0.0"},"tagline":"You Know, for Search"})"));
  res.set_header("X-elastic-product", "Elasticsearch");
  reply_json(res, 200, out);
}

}  // namespace vigil
