// GET /api/v1/intel/lookup, POST /api/v1/intel/indicators,
// DELETE /api/v1/intel/indicators/{id}, GET /api/v1/intel/feeds.
// Indicator values are threat intelligence, not event data: replies carry them
// as stored, so an analyst can see exactly what matched.
#include <nlohmann/json.hpp>

#include "api/http_server.h"
#include "api/replies.h"
#include "intel/feed_reader.h"
#include "intel/intel_service.h"

namespace vigil {
namespace {

using json = nlohmann::json;
using api::reply_error;

void reply(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

std::string time_or_null(Timestamp t) {
  return t.micros == 0 ? "" : format_rfc3339(t);
}

json indicator_json(const intel::Indicator& i) {
  return {{"id", intel::indicator_id(i)},
          {"source", i.source},
          {"type", intel::to_string(i.type)},
          {"value", i.include_subdomains ? "*." + i.value : i.value},
          {"severity", to_string(i.severity)},
          {"confidence", i.confidence},
          {"first_seen", format_rfc3339(i.first_seen)},
          {"last_seen", format_rfc3339(i.last_seen)},
          {"valid_until", format_rfc3339(i.valid_until)},
          {"tags", i.tags},
          {"description", i.description},
          {"reference", i.reference}};
}

// The request body of a manual indicator; an error message when malformed.
tl::expected<intel::Indicator, std::string> manual_indicator(const json& body) {
  static const std::set<std::string> kKeys = {"value",      "type",        "severity",
                                              "confidence", "tags",        "description",
                                              "reference",  "valid_until", "include_subdomains"};
  if (!body.is_object()) return tl::unexpected(std::string("the body must be a JSON object"));
  for (const auto& [key, v] : body.items()) {
    if (!kKeys.count(key)) return tl::unexpected("unknown field '" + key + "'");
  }
  if (!body.contains("value") || !body["value"].is_string())
    return tl::unexpected(std::string("value (a string) is required"));
  intel::FeedOptions o;
  o.source = std::string(intel::kManualSource);
  o.now = Timestamp::now();
  std::optional<intel::IndicatorType> type;
  if (body.contains("type")) {
    type = body["type"].is_string() ? intel::parse_indicator_type(body["type"].get<std::string>())
                                    : std::nullopt;
    if (!type) return tl::unexpected(std::string("unknown type"));
  }
  if (body.contains("severity")) {
    const auto s = body["severity"].is_string()
                       ? parse_severity(body["severity"].get<std::string>())
                       : std::nullopt;
    if (!s) return tl::unexpected(std::string("severity must be info|low|medium|high|critical"));
    o.severity = *s;
  }
  if (body.contains("confidence")) {
    const auto& c = body["confidence"];
    if (!c.is_number_integer() || c.get<int>() < 0 || c.get<int>() > 100)
      return tl::unexpected(std::string("confidence must be an integer 0..100"));
    o.confidence = c.get<int>();
  }
  if (body.contains("tags")) {
    if (!body["tags"].is_array()) return tl::unexpected(std::string("tags must be a list"));
    for (const auto& t : body["tags"]) {
      if (!t.is_string()) return tl::unexpected(std::string("tags must be strings"));
      o.tags.push_back(t.get<std::string>());
    }
  }
  if (body.contains("include_subdomains")) {
    if (!body["include_subdomains"].is_boolean())
      return tl::unexpected(std::string("include_subdomains must be true or false"));
    o.domains_include_subdomains = body["include_subdomains"].get<bool>();
  }
  auto ind = intel::make_indicator(body["value"].get<std::string>(), type, o);
  if (!ind) return tl::unexpected(ind.error().message);
  if (body.contains("valid_until")) {
    const auto t = body["valid_until"].is_string()
                       ? parse_iso8601(body["valid_until"].get<std::string>())
                       : std::nullopt;
    if (!t) return tl::unexpected(std::string("valid_until must be an RFC 3339 time"));
    ind->valid_until = *t;
  }
  for (const char* key : {"description", "reference"}) {
    if (!body.contains(key)) continue;
    if (!body[key].is_string()) return tl::unexpected(std::string(key) + " must be a string");
    (std::string_view(key) == "description" ? ind->description : ind->reference) =
        body[key].get<std::string>();
  }
  return *ind;
}

}  // namespace

void HttpServer::get_intel_lookup(const httplib::Request& req, httplib::Response& res) {
  if (intel_ == nullptr) return reply_error(res, 404, "threat intelligence is off");
  const std::string value = req.get_param_value("value");
  if (value.empty()) return reply_error(res, 400, "value is required");
  std::optional<intel::IndicatorType> type;
  if (req.has_param("type")) {
    type = intel::parse_indicator_type(req.get_param_value("type"));
    if (!type) return reply_error(res, 400, "unknown type");
  } else {
    type = intel::infer_type(value);
    if (!type)
      return reply_error(res, 400, "the value is not an IP, CIDR, domain, URL, hash or e-mail");
  }
  const uint64_t suppressed = intel_->store()->suppressed_matches();
  const auto r = intel_->lookup(value, type);
  if (!r) {
    reply(res, 200,
          {{"match", false}, {"allowlisted", intel_->store()->suppressed_matches() != suppressed}});
    return;
  }
  json matches = json::array();
  for (const auto& m : r->matches) matches.push_back(indicator_json(m));
  reply(res, 200,
        {{"match", true},
         {"value", r->value},
         {"type", intel::to_string(r->type)},
         {"severity", to_string(r->severity)},
         {"confidence", r->confidence},
         {"sources", r->sources},
         {"tags", r->tags},
         {"first_seen", format_rfc3339(r->first_seen)},
         {"last_seen", format_rfc3339(r->last_seen)},
         {"indicators", matches}});
}

void HttpServer::post_intel_indicator(const httplib::Request& req, httplib::Response& res) {
  if (intel_ == nullptr) return reply_error(res, 404, "threat intelligence is off");
  const json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded()) return reply_error(res, 400, "the body is not JSON");
  auto ind = manual_indicator(body);
  if (!ind) return reply_error(res, 400, ind.error());
  auto added = intel_->add_manual(std::move(*ind));
  if (!added) {
    return reply_error(res, added.error().code == ErrorCode::kInvalidInput ? 400 : 503,
                       added.error().message);
  }
  reply(res, 201, indicator_json(*added));
}

void HttpServer::delete_intel_indicator(const httplib::Request& req, httplib::Response& res) {
  if (intel_ == nullptr) return reply_error(res, 404, "threat intelligence is off");
  auto removed = intel_->remove(std::string(req.matches[1]));
  if (!removed) return reply_error(res, 503, removed.error().message);
  if (!*removed) return reply_error(res, 404, "no such indicator");
  reply(res, 200, {{"deleted", indicator_json(**removed)}});
}

void HttpServer::get_intel_feeds(httplib::Response& res) {
  if (intel_ == nullptr) return reply_error(res, 404, "threat intelligence is off");
  json feeds = json::array();
  for (const auto& f : intel_->feeds()) {
    feeds.push_back(
        {{"name", f.name},
         {"type", f.type},
         {"location", f.location},
         {"schedule_s", f.schedule_s},
         {"status", f.last_error.empty() ? (f.last_attempt.micros ? "ok" : "pending") : "failing"},
         {"last_attempt", time_or_null(f.last_attempt)},
         {"last_success", time_or_null(f.last_success)},
         {"next_refresh", time_or_null(f.next_refresh)},
         {"last_error", f.last_error},
         {"consecutive_failures", f.consecutive_failures},
         {"not_modified", f.not_modified},
         {"indicators", f.indicators},
         {"records", f.records},
         {"skipped", f.skipped},
         {"problems", f.problems}});
  }
  json sources = json::array();
  for (const auto& s : intel_->sources())
    sources.push_back({{"name", s.name}, {"indicators", s.indicators}});
  reply(res, 200, {{"feeds", feeds}, {"sources", sources}});
}

}  // namespace vigil
