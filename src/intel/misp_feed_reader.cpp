#include "intel/misp_feed_reader.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "intel/misp_types.h"

namespace vigil::intel {
namespace {

using nlohmann::json;

std::string text_of(const json& obj, const char* key) {
  const auto it = obj.find(key);
  if (it == obj.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  return {};
}

// MISP writes booleans as true/false, "1"/"0" or 1/0 depending on the version.
bool flag(const json& obj, const char* key) {
  const auto it = obj.find(key);
  if (it == obj.end()) return false;
  if (it->is_boolean()) return it->get<bool>();
  if (it->is_number()) return it->get<double>() != 0;
  return it->is_string() && (*it == "1" || *it == "true");
}

std::optional<Timestamp> epoch_or_iso(const json& obj, const char* key) {
  const std::string s = text_of(obj, key);
  if (s.empty()) return std::nullopt;
  if (s.find_first_not_of("0123456789") == std::string::npos) {
    return Timestamp::from_seconds(std::stoll(s));
  }
  return parse_iso8601(s);
}

void append_tags(const json& obj, std::vector<std::string>& tags) {
  const auto it = obj.find("Tag");
  if (it == obj.end() || !it->is_array()) return;
  for (const auto& t : *it) {
    const std::string name = t.is_object() ? text_of(t, "name") : std::string();
    if (!name.empty() && std::find(tags.begin(), tags.end(), name) == tags.end())
      tags.push_back(name);
  }
}

std::optional<Severity> severity_of(const json& event) {
  const std::string level = text_of(event, "threat_level_id");
  if (level == "1") return Severity::kHigh;
  if (level == "2") return Severity::kMedium;
  if (level == "3") return Severity::kLow;
  return std::nullopt;  // 4 = undefined
}

struct EventContext {
  const json& event;
  std::vector<std::string> tags;
  Severity severity;
};

void read_attribute(const json& attr, const EventContext& ev, const FeedOptions& options,
                    FeedReport& report) {
  ++report.records;
  const std::string type = text_of(attr, "type");
  if (!flag(attr, "to_ids")) {
    report.skip("to_ids false");
    return;
  }
  const auto parts = misp_indicator_parts(type, text_of(attr, "value"));
  if (parts.empty()) {
    report.skip(fmt::format("MISP type {} is not matched", type));
    return;
  }
  for (const MispPart& p : parts) {
    auto ind = make_indicator(p.value, p.type, options);
    if (!ind) {
      report.malformed(0,
                       fmt::format("attribute {}: {}", text_of(attr, "uuid"), ind.error().message));
      continue;
    }
    ind->severity = ev.severity;
    const auto stamp = epoch_or_iso(attr, "timestamp");
    ind->first_seen = epoch_or_iso(attr, "first_seen").value_or(stamp.value_or(options.now));
    ind->last_seen =
        std::max(ind->first_seen, epoch_or_iso(attr, "last_seen").value_or(ind->first_seen));
    for (const auto& t : ev.tags) {
      if (std::find(ind->tags.begin(), ind->tags.end(), t) == ind->tags.end())
        ind->tags.push_back(t);
    }
    append_tags(attr, ind->tags);
    ind->description = text_of(ev.event, "info");
    ind->reference = "misp-event:" + text_of(ev.event, "uuid");
    report.add(*ind);
  }
}

void read_event(const json& event, const FeedOptions& options, FeedReport& report) {
  EventContext ev{event, options.tags, severity_of(event).value_or(options.severity)};
  append_tags(event, ev.tags);
  const auto attrs = event.find("Attribute");
  if (attrs != event.end() && attrs->is_array()) {
    for (const auto& a : *attrs) read_attribute(a, ev, options, report);
  }
  const auto objects = event.find("Object");
  if (objects == event.end() || !objects->is_array()) return;
  for (const auto& o : *objects) {
    const auto inner = o.find("Attribute");
    if (inner == o.end() || !inner->is_array()) continue;
    for (const auto& a : *inner) read_attribute(a, ev, options, report);
  }
}

}  // namespace

Result<void> MispFeedReader::parse_event_file(std::string_view text, FeedReport& report) const {
  const json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) return make_error(ErrorCode::kInvalidInput, "not JSON");
  std::vector<const json*> events;
  if (doc.is_object() && doc.contains("Event")) events.push_back(&doc["Event"]);
  const json* list = doc.is_array()                                ? &doc
                     : doc.is_object() && doc.contains("response") ? &doc["response"]
                                                                   : nullptr;
  if (list != nullptr && list->is_array()) {
    for (const auto& item : *list) {
      if (item.is_object() && item.contains("Event")) events.push_back(&item["Event"]);
    }
  }
  if (events.empty()) return make_error(ErrorCode::kInvalidInput, "no MISP Event in the file");
  for (const json* e : events) {
    if (e->is_object()) read_event(*e, options_, report);
  }
  return {};
}

Result<FeedReport> MispFeedReader::read_feed_directory(const std::filesystem::path& dir) const {
  auto manifest_text = read_text_file(dir / "manifest.json");
  if (!manifest_text) return tl::unexpected(manifest_text.error());
  const json manifest = json::parse(*manifest_text, nullptr, false);
  if (manifest.is_discarded() || !manifest.is_object()) {
    return make_error(ErrorCode::kInvalidInput,
                      fmt::format("{}: manifest.json is not a JSON object", dir.string()));
  }
  FeedReport report;
  for (const auto& [uuid, entry] : manifest.items()) {
    auto text = read_text_file(dir / (uuid + ".json"));
    if (!text) {
      report.malformed(0, fmt::format("event {}: {}", uuid, text.error().message));
      continue;
    }
    if (auto ok = parse_event_file(*text, report); !ok) {
      report.malformed(0, fmt::format("event {}: {}", uuid, ok.error().message));
    }
  }
  return report;
}

Result<FeedReport> MispFeedReader::read(const std::filesystem::path& path) {
  if (std::filesystem::is_directory(path)) return read_feed_directory(path);
  if (path.filename() == "manifest.json") return read_feed_directory(path.parent_path());
  auto text = read_text_file(path);
  if (!text) return tl::unexpected(text.error());
  FeedReport report;
  if (auto ok = parse_event_file(*text, report); !ok) {
    return make_error(ok.error().code, fmt::format("{}: {}", path.string(), ok.error().message));
  }
  return report;
}

}  // namespace vigil::intel
