#include "intel/api_feed.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "core/strings.h"
#include "intel/feed_values.h"

namespace vigil::intel {
namespace {

using json = nlohmann::json;

// "ioc" and "/ioc" both name the member; "/a/b" walks into objects.
json::json_pointer pointer(const std::string& path) {
  return json::json_pointer(path.empty() || path.front() == '/' ? path : "/" + path);
}

const json* at(const json& item, const IntelFeedConfig& config, const char* field) {
  const auto it = config.fields.find(field);
  if (it == config.fields.end()) return nullptr;
  const auto p = pointer(it->second);
  if (!item.contains(p)) return nullptr;
  const json& v = item.at(p);
  return v.is_null() ? nullptr : &v;
}

std::string text(const json* v) {
  if (v == nullptr) return {};
  if (v->is_string()) return v->get<std::string>();
  if (v->is_number()) return v->dump();
  return {};
}

std::optional<Timestamp> time_of(const json* v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_number()) return from_epoch_number(v->get<double>());
  std::string s = text(v);
  if (s.ends_with(" UTC")) s.resize(s.size() - 4);  // ThreatFox: "2022-08-05 11:40:15 UTC"
  return parse_iso8601(s);
}

void read_record(const json& item, size_t number, const IntelFeedConfig& config,
                 const FeedOptions& options, FeedReport& report) {
  ++report.records;
  const std::string raw = text(at(item, config, "value"));
  if (is_null_cell(raw))
    return report.malformed(number, fmt::format("record {} has no value", number));
  TypeHint hint = options.type ? TypeHint{options.type, false} : TypeHint{};
  if (const std::string type = text(at(item, config, "type")); !type.empty()) {
    const auto mapped = config.type_map.find(type);
    hint = parse_feed_type(mapped == config.type_map.end() ? type : mapped->second);
    if (!hint.type && !hint.strip_port && mapped == config.type_map.end() &&
        ascii_lower(type) != "ip" && ascii_lower(type) != "ip_address") {
      return report.skip(fmt::format("type '{}' not mapped", type));
    }
  }
  std::string_view value = raw;
  if (hint.strip_port) value = strip_port(value);
  auto ind = make_indicator(value, hint.type, options);
  if (!ind) return report.malformed(number, ind.error().message);
  if (auto s = parse_severity(text(at(item, config, "severity")))) ind->severity = *s;
  if (const json* c = at(item, config, "confidence")) {
    const std::string n = text(c);
    if (!n.empty() &&
        std::all_of(n.begin(), n.end(), [](unsigned char ch) { return std::isdigit(ch) != 0; }))
      ind->confidence = std::min(std::stoi(n.substr(0, 3)), 100);
  }
  if (const json* tags = at(item, config, "tags")) {
    if (tags->is_array()) {
      for (const auto& t : *tags)
        if (t.is_string()) add_feed_tags(t.get<std::string>(), ind->tags);
    } else {
      add_feed_tags(text(tags), ind->tags);
    }
  }
  if (auto t = time_of(at(item, config, "first_seen"))) ind->first_seen = *t;
  ind->last_seen =
      std::max(ind->first_seen, time_of(at(item, config, "last_seen")).value_or(ind->first_seen));
  if (auto t = time_of(at(item, config, "valid_until"))) ind->valid_until = *t;
  ind->description = text(at(item, config, "description"));
  ind->reference = text(at(item, config, "reference"));
  report.add(*ind);
}

Result<std::vector<json>> records_of(const std::string& body, const IntelFeedConfig& config) {
  json doc = json::parse(body, nullptr, false);
  std::vector<json> out;
  if (doc.is_discarded()) {
    // NDJSON: one record per line.
    size_t line_no = 0;
    for (size_t pos = 0; pos < body.size();) {
      size_t end = body.find('\n', pos);
      if (end == std::string::npos) end = body.size();
      ++line_no;
      const std::string line = body.substr(pos, end - pos);
      pos = end + 1;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      json record = json::parse(line, nullptr, false);
      if (record.is_discarded()) {
        return make_error(ErrorCode::kInvalidInput,
                          fmt::format("line {}: the reply is neither JSON nor NDJSON", line_no));
      }
      out.push_back(std::move(record));
    }
    return out;
  }
  const auto p = pointer(config.items);
  if (!doc.contains(p)) {
    return make_error(ErrorCode::kInvalidInput,
                      fmt::format("the reply has no '{}' (intel.feeds items)", config.items));
  }
  json& list = doc.at(p);
  if (list.is_null()) return out;  // ThreatFox answers "no_result" with data null
  if (!list.is_array()) {
    return make_error(ErrorCode::kInvalidInput,
                      fmt::format("'{}' in the reply is not a list", config.items));
  }
  for (auto& item : list) out.push_back(std::move(item));
  return out;
}

std::string with_page(const std::string& url, const std::string& param, int page) {
  return fmt::format("{}{}{}={}", url, url.find('?') == std::string::npos ? '?' : '&', param, page);
}

}  // namespace

Result<FeedReport> read_api_replies(const std::vector<std::string>& bodies,
                                    const IntelFeedConfig& config, const FeedOptions& options) {
  FeedReport report;
  size_t number = 0;
  for (const auto& body : bodies) {
    auto records = records_of(body, config);
    if (!records) return tl::unexpected(records.error());
    for (const json& item : *records) {
      if (!item.is_object()) {
        ++report.records;
        report.malformed(++number, "record is not a JSON object");
        continue;
      }
      read_record(item, ++number, config, options, report);
    }
  }
  return report;
}

Result<std::vector<std::string>> fetch_api_pages(const IntelFeedConfig& config, HttpRequest base) {
  std::vector<std::string> pages;
  std::string next = config.page_param.empty()
                         ? config.location
                         : with_page(config.location, config.page_param, config.first_page);
  for (int page = 0; page < config.max_pages && !next.empty(); ++page) {
    HttpRequest request = base;
    request.url = next;
    auto reply = http_fetch(request);
    if (!reply) return tl::unexpected(reply.error());
    if (reply->status != 200) {
      return make_error(ErrorCode::kIo,
                        fmt::format("{}: HTTP {}", redact_url(next), reply->status));
    }
    next.clear();
    if (!config.next_link.empty()) {
      const json doc = json::parse(reply->body, nullptr, false);
      const auto p = pointer(config.next_link);
      if (!doc.is_discarded() && doc.contains(p) && doc.at(p).is_string())
        next = resolve_url(request.url, doc.at(p).get<std::string>());
    } else if (!config.page_param.empty()) {
      auto records = records_of(reply->body, config);
      if (!records) return tl::unexpected(records.error());
      if (!records->empty())
        next = with_page(config.location, config.page_param, config.first_page + page + 1);
    }
    pages.push_back(std::move(reply->body));
  }
  return pages;
}

}  // namespace vigil::intel
