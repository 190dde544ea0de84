// The bodies log shippers already send, answered the way each shipper
// expects, so Beats/Logstash and Splunk forwarders can point at vigil:
//   POST /_bulk, /<index>/_bulk        Elastic bulk API (index/create actions)
//   GET  /                             the Elasticsearch banner Beats check
//   POST /services/collector[/event]   Splunk HEC, concatenated JSON events
//   GET  /services/collector/health    HEC health
// Both submit through the same pipeline as POST /api/v1/events.
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>

#include "api/http_server.h"
#include "api/replies.h"
#include "core/json_writer.h"
#include "core/strings.h"

namespace vigil {
namespace {

using api::reply_json;

// The JSON values of a body holding several back to back (HEC sends them
// with or without separators). Returns false on an unterminated value.
bool split_concatenated(std::string_view body, std::vector<std::string_view>& out) {
  size_t i = 0;
  while (i < body.size()) {
    while (i < body.size() &&
           (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' || body[i] == '\t'))
      ++i;
    if (i >= body.size()) break;
    if (body[i] != '{') return false;
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
    if (depth != 0) return false;
    out.push_back(body.substr(start, i - start));
  }
  return true;
}

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

// One HEC event as a vigil JSON line: the event object (or {"message": text}),
// plus host, source, sourcetype, index, fields and the time HEC sends.
std::optional<std::string> hec_to_event(const nlohmann::json& hec) {
  if (!hec.is_object() || !hec.contains("event") || hec["event"].is_null()) return std::nullopt;
  const auto& ev = hec["event"];
  nlohmann::json doc =
      ev.is_object()
          ? ev
          : nlohmann::json{{"message", ev.is_string() ? ev.get<std::string>() : ev.dump()}};
  if (hec.contains("fields") && hec["fields"].is_object()) {
    for (const auto& [k, v] : hec["fields"].items()) doc[k] = v;
  }
  if (hec.contains("host") && hec["host"].is_string()) doc["host"] = hec["host"];
  if (hec.contains("sourcetype") && hec["sourcetype"].is_string())
    doc["event.dataset"] = hec["sourcetype"];
  if (hec.contains("source") && hec["source"].is_string()) doc["log.file.path"] = hec["source"];
  if (hec.contains("index") && hec["index"].is_string()) doc["splunk.index"] = hec["index"];
  if (hec.contains("time")) {
    const auto& t = hec["time"];
    double seconds = -1;
    if (t.is_number()) seconds = t.get<double>();
    if (t.is_string()) seconds = std::strtod(t.get<std::string>().c_str(), nullptr);
    if (seconds > 0 && !doc.contains("@timestamp"))
      doc["@timestamp"] = format_rfc3339(Timestamp{static_cast<int64_t>(seconds * 1e6)});
  }
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string next_id() {
  static std::atomic<uint64_t> counter{0};
  const auto now = std::chrono::system_clock::now().time_since_epoch().count();
  return fmt::format("{:x}{:08x}", now, counter.fetch_add(1));
}

}  // namespace

void HttpServer::post_hec(const httplib::Request& req, httplib::Response& res) {
  std::vector<std::string_view> parts;
  if (!split_concatenated(req.body, parts)) return hec_reply(res, 400, "Invalid data format", 6, 0);
  if (parts.empty()) return hec_reply(res, 400, "No data", 5);
  std::string body;
  for (size_t i = 0; i < parts.size(); ++i) {
    nlohmann::json hec = nlohmann::json::parse(parts[i], nullptr, false);
    if (hec.is_discarded())
      return hec_reply(res, 400, "Invalid data format", 6, static_cast<int>(i));
    auto line = hec_to_event(hec);
    if (!line) return hec_reply(res, 400, "Event field is required", 12, static_cast<int>(i));
    body += *line;
    body += '\n';
  }
  WorkItem item;
  item.body = std::move(body);
  item.format = BodyFormat::kNdjson;
  item.received = Timestamp::now();
  auto ticket = pipeline_.submit(std::move(item), SubmitMode::kFailFast);
  if (!ticket) return hec_reply(res, 503, "Server is busy", 9);
  const BatchOutcome& outcome = (*ticket)->wait();
  if (outcome.failure) return hec_reply(res, 503, "Server is busy", 9);
  if (!outcome.errors.empty()) {
    return hec_reply(res, 400, "Invalid data format", 6,
                     static_cast<int>(outcome.errors.front().line) - 1);
  }
  hec_reply(res, 200, "Success", 0);
}

void HttpServer::post_bulk(const httplib::Request& req, httplib::Response& res) {
  const auto started = std::chrono::steady_clock::now();
  std::string index = req.matches.size() > 1 ? std::string(req.matches[1]) : "";
  // Pairs of lines: the action, then (for index/create) the document.
  struct Item {
    std::string action, index, error;
    size_t doc_line = 0;  // line in the submitted NDJSON (1-based); 0 = not submitted
  };
  std::vector<Item> items;
  std::string body;
  size_t submitted = 0;
  std::string_view rest = req.body;
  auto next_line = [&]() -> std::optional<std::string_view> {
    while (!rest.empty()) {
      const size_t nl = rest.find('\n');
      std::string_view line = rest.substr(0, nl);
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
      if (!trim(line).empty()) return line;
    }
    return std::nullopt;
  };
  while (auto action_line = next_line()) {
    const nlohmann::json action = nlohmann::json::parse(*action_line, nullptr, false);
    if (action.is_discarded() || !action.is_object() || action.size() != 1) {
      fmt::memory_buffer out;
      out.append(std::string_view(
          R"({"error":{"type":"illegal_argument_exception","reason":"Malformed action/metadata line"},"status":400})"));
      return reply_json(res, 400, out);
    }
    Item item;
    item.action = action.begin().key();
    const auto& meta = action.begin().value();
    item.index = meta.is_object() && meta.contains("_index") && meta["_index"].is_string()
                     ? meta["_index"].get<std::string>()
                     : index;
    if (item.action == "index" || item.action == "create") {
      auto doc = next_line();
      if (!doc) {
        item.error = "the action has no document line";
      } else {
        body.append(*doc);
        body.push_back('\n');
        item.doc_line = ++submitted;
      }
    } else {
      if (item.action == "update") next_line();  // skip its partial document
      item.error = "vigil accepts index and create actions only";
    }
    items.push_back(std::move(item));
  }
  std::vector<const LineError*> line_errors(submitted + 1, nullptr);
  if (submitted > 0) {
    WorkItem work;
    work.body = std::move(body);
    work.format = BodyFormat::kNdjson;
    work.received = Timestamp::now();
    auto ticket = pipeline_.submit(std::move(work), SubmitMode::kFailFast);
    const BatchOutcome* outcome = ticket ? &(*ticket)->wait() : nullptr;
    if (outcome == nullptr || outcome->failure) {
      // Beats and Logstash retry the whole request on 429.
      res.set_header("Retry-After", std::to_string(config_.retry_after_s));
      fmt::memory_buffer out;
      out.append(std::string_view(
          R"({"error":{"type":"es_rejected_execution_exception","reason":"vigil's ingest queue is full or its store is failing"},"status":429})"));
      return reply_json(res, 429, out);
    }
    for (const auto& e : outcome->errors) {
      if (e.line >= 1 && e.line <= submitted) line_errors[e.line] = &e;
    }
    // Errors past kMaxReportedErrors are not itemized; their count still is.
  }
  fmt::memory_buffer out;
  JsonObjectWriter w(out);
  w.field("took", static_cast<int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::steady_clock::now() - started)
                                           .count()));
  bool any_error = false;
  auto& list = w.raw_field("items");
  list.push_back('[');
  for (size_t i = 0; i < items.size(); ++i) {
    const Item& it = items[i];
    std::string error = it.error;
    if (error.empty() && it.doc_line > 0 && line_errors[it.doc_line]) {
      error = line_errors[it.doc_line]->error;
    }
    if (i) list.push_back(',');
    list.push_back('{');
    append_json_string(list, it.action);
    list.push_back(':');
    JsonObjectWriter r(list);
    r.field("_index", it.index);
    if (error.empty()) {
      r.field("_id", next_id());
      r.field("result", "created");
      r.field("status", 201);
    } else {
      any_error = true;
      r.field("status", 400);
      JsonObjectWriter e(r.raw_field("error"));
      e.field("type", "mapper_parsing_exception");
      e.field("reason", error);
      e.close();
    }
    r.close();
    list.push_back('}');
  }
  list.push_back(']');
  w.field("errors", any_error);
  w.close();
  reply_json(res, 200, out);
}

void HttpServer::get_elastic_banner(httplib::Response& res) {
  fmt::memory_buffer out;
  out.append(std::string_view(
      R"({"name":"vigil","cluster_name":"vigil","cluster_uuid":"vigil","version":{"number":"8.11.0","build_flavor":"default","lucene_version":"9.8.0","minimum_wire_compatibility_version":"7.17.0","minimum_index_compatibility_version":"7.0.0"},"tagline":"You Know, for Search"})"));
  res.set_header("X-elastic-product", "Elasticsearch");
  reply_json(res, 200, out);
}

}  // namespace vigil
