#include "intel/taxii_client.h"

#include <fmt/format.h>

#include <cctype>
#include <nlohmann/json.hpp>

#include "core/timestamp.h"

namespace vigil::intel {
namespace {

using json = nlohmann::json;

// Pages per poll at most: a server that always says `more` must not hold the
// feed thread forever.
constexpr size_t kMaxPages = 10000;

std::string with_slash(std::string url) {
  if (!url.empty() && url.back() != '/') url += '/';
  return url;
}

Result<json> get_json(const HttpRequest& base, const std::string& url, HttpReply* raw = nullptr) {
  HttpRequest request = base;
  request.url = url;
  request.method = "GET";
  request.headers.push_back(fmt::format("Accept: {}", kTaxiiMediaType));
  auto reply = http_fetch(request);
  if (!reply) return tl::unexpected(reply.error());
  const std::string where = redact_url(url);
  switch (reply->status) {
    case 200:
      break;
    case 401:
    case 403:
      return make_error(ErrorCode::kIo,
                        fmt::format("{}: HTTP {} (credentials refused)", where, reply->status));
    case 406:
      return make_error(ErrorCode::kIo,
                        fmt::format("{}: HTTP 406 (the server does not speak TAXII 2.1)", where));
    default:
      return make_error(ErrorCode::kIo, fmt::format("{}: HTTP {}", where, reply->status));
  }
  json doc = json::parse(reply->body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return make_error(ErrorCode::kInvalidInput,
                      fmt::format("{}: the reply is not a JSON object", where));
  if (raw) *raw = std::move(*reply);
  return doc;
}

// Discovery (or an API root given directly) -> the API root URL.
Result<std::string> find_api_root(const IntelFeedConfig& config, const HttpRequest& base) {
  if (!config.api_root.empty()) return with_slash(resolve_url(config.location, config.api_root));
  auto doc = get_json(base, config.location);
  if (!doc) return tl::unexpected(doc.error());
  if (!doc->contains("api_roots")) return with_slash(config.location);  // location is a root
  std::string root = doc->value("default", "");
  if (root.empty()) {
    const json& roots = (*doc)["api_roots"];
    if (!roots.is_array() || roots.empty() || !roots[0].is_string())
      return make_error(ErrorCode::kInvalidInput, "TAXII discovery lists no API root");
    root = roots[0].get<std::string>();
  }
  return with_slash(resolve_url(config.location, root));
}

Result<std::string> find_objects_url(const IntelFeedConfig& config, const HttpRequest& base) {
  auto root = find_api_root(config, base);
  if (!root) return tl::unexpected(root.error());
  auto info = get_json(base, *root);
  if (!info) return tl::unexpected(info.error());
  bool speaks_21 = false;
  for (const auto& v : info->value("versions", json::array()))
    speaks_21 = speaks_21 || (v.is_string() && v.get<std::string>() == kTaxiiMediaType);
  if (!speaks_21)
    return make_error(ErrorCode::kInvalidInput,
                      fmt::format("API root {} does not offer TAXII 2.1", redact_url(*root)));
  auto list = get_json(base, *root + "collections/");
  if (!list) return tl::unexpected(list.error());
  for (const auto& c : list->value("collections", json::array())) {
    if (!c.is_object()) continue;
    if (c.value("id", "") != config.collection && c.value("title", "") != config.collection)
      continue;
    if (!c.value("can_read", false))
      return make_error(ErrorCode::kIo,
                        fmt::format("TAXII collection '{}' is not readable", config.collection));
    return *root + "collections/" + c.value("id", "") + "/objects/";
  }
  return make_error(ErrorCode::kInvalidInput, fmt::format("no TAXII collection '{}' in {}",
                                                          config.collection, redact_url(*root)));
}

std::string query_value(const std::string& s) {
  std::string out;
  for (const unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

// Newer version wins; versions compare as times when both parse.
bool newer(const std::string& a, const std::string& b) {
  const auto ta = parse_iso8601(a), tb = parse_iso8601(b);
  if (ta && tb) return *ta >= *tb;
  return a >= b;
}

}  // namespace

Result<TaxiiPoll> poll_taxii(const IntelFeedConfig& config, const HttpRequest& base,
                             TaxiiState& state) {
  std::string objects_url = state.objects_url;
  if (objects_url.empty()) {
    auto found = find_objects_url(config, base);
    if (!found) return tl::unexpected(found.error());
    objects_url = *found;
  }
  TaxiiPoll poll;
  std::map<std::string, TaxiiObject> received;
  std::string last_added = state.added_after;
  std::string next;
  do {
    std::string url = fmt::format("{}?limit={}", objects_url, config.page_size);
    if (!state.added_after.empty()) url += "&added_after=" + query_value(state.added_after);
    if (!next.empty()) url += "&next=" + query_value(next);
    HttpReply raw;
    auto page = get_json(base, url, &raw);
    if (!page) return tl::unexpected(page.error());
    ++poll.pages;
    for (const auto& o : page->value("objects", json::array())) {
      if (!o.is_object() || !o.contains("id")) continue;
      ++poll.objects;
      TaxiiObject obj{o.value("modified", o.value("created", "")), o.dump()};
      auto [it, inserted] = received.try_emplace(o["id"].get<std::string>(), obj);
      if (!inserted && newer(obj.version, it->second.version)) it->second = std::move(obj);
    }
    if (const std::string last = raw.header("x-taxii-date-added-last"); !last.empty())
      last_added = last;
    next = page->value("more", false) && (*page)["next"].is_string()
               ? (*page)["next"].get<std::string>()
               : "";
  } while (!next.empty() && poll.pages < kMaxPages);
  // Only a complete poll changes the state.
  for (auto& [id, obj] : received) {
    auto [it, inserted] = state.objects.try_emplace(id, obj);
    if (!inserted && newer(obj.version, it->second.version)) it->second = std::move(obj);
  }
  state.objects_url = objects_url;
  state.added_after = last_added;
  return poll;
}

std::string taxii_bundle(const TaxiiState& state) {
  std::string out = R"({"type":"bundle","id":"bundle--taxii","objects":[)";
  bool first = true;
  for (const auto& [id, obj] : state.objects) {
    if (!first) out += ',';
    first = false;
    out += obj.json;
  }
  out += "]}";
  return out;
}

}  // namespace vigil::intel
