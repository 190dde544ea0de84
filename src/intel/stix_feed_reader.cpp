#include "intel/stix_feed_reader.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <unordered_map>

#include "intel/stix_pattern.h"
#include "intel/stix_translate.h"

namespace vigil::intel {
namespace {

using nlohmann::json;

std::string string_field(const json& obj, const char* key) {
  const auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<Timestamp> time_field(const json& obj, const char* key) {
  return parse_iso8601(string_field(obj, key));
}

void append_strings(const json& obj, const char* key, std::vector<std::string>& out) {
  const auto it = obj.find(key);
  if (it == obj.end() || !it->is_array()) return;
  for (const auto& v : *it) {
    if (v.is_string() && std::find(out.begin(), out.end(), v.get<std::string>()) == out.end()) {
      out.push_back(v.get<std::string>());
    }
  }
}

std::string reference_of(const json& obj) {
  const auto refs = obj.find("external_references");
  if (refs != obj.end() && refs->is_array()) {
    for (const auto& r : *refs) {
      if (r.is_object() && r.contains("url") && r["url"].is_string()) return r["url"];
    }
  }
  return string_field(obj, "id");
}

// The newest version of each indicator id (STIX objects are versioned by
// `modified`; a bundle may carry several versions of one object).
std::vector<const json*> newest_indicators(const json& objects, FeedReport& report) {
  std::unordered_map<std::string, const json*> newest;
  std::vector<std::string> order;
  for (const auto& obj : objects) {
    if (!obj.is_object() || string_field(obj, "type") != "indicator") continue;
    ++report.records;
    const std::string id = string_field(obj, "id");
    auto [it, inserted] = newest.emplace(id, &obj);
    if (inserted) {
      order.push_back(id);
      continue;
    }
    report.skip("older version of a STIX object");
    const auto mine = time_field(obj, "modified"), theirs = time_field(*it->second, "modified");
    if (mine && (!theirs || *mine > *theirs)) it->second = &obj;
  }
  std::vector<const json*> out;
  for (const auto& id : order) out.push_back(newest[id]);
  return out;
}

}  // namespace

Result<FeedReport> StixFeedReader::read(const std::filesystem::path& path) {
  auto text = read_text_file(path);
  if (!text) return tl::unexpected(text.error());
  auto report = parse(*text);
  if (!report) {
    return make_error(report.error().code,
                      fmt::format("{}: {}", path.string(), report.error().message));
  }
  return report;
}

Result<FeedReport> StixFeedReader::parse(std::string_view text) const {
  const json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return make_error(ErrorCode::kInvalidInput, "not a JSON object (a STIX bundle or indicator)");
  }
  json single = json::array();
  const json* objects = &single;
  if (string_field(doc, "type") == "bundle") {
    if (!doc.contains("objects") || !doc["objects"].is_array()) {
      return make_error(ErrorCode::kInvalidInput, "STIX bundle without an objects array");
    }
    objects = &doc["objects"];
  } else {
    single.push_back(doc);
  }
  FeedReport report;
  for (const json* obj : newest_indicators(*objects, report)) {
    const json& o = *obj;
    if (o.value("revoked", false)) {
      report.skip("revoked");
      continue;
    }
    const std::string pattern_type = string_field(o, "pattern_type");
    if (!pattern_type.empty() && pattern_type != "stix") {
      report.skip(fmt::format("pattern_type {}", pattern_type));
      continue;
    }
    auto pattern = parse_stix_pattern(string_field(o, "pattern"));
    if (!pattern) {
      report.malformed(
          0, fmt::format("{}: pattern: {}", string_field(o, "id"), pattern.error().message));
      continue;
    }
    const auto observables = translate_stix_pattern(*pattern);
    if (observables.empty()) {
      report.skip("pattern with no translatable comparison");
      continue;
    }
    for (const StixObservable& ob : observables) {
      auto ind = make_indicator(ob.value, ob.type, options_);
      if (!ind) {
        report.malformed(0, fmt::format("{}: {}", string_field(o, "id"), ind.error().message));
        continue;
      }
      ind->first_seen =
          time_field(o, "valid_from").value_or(time_field(o, "created").value_or(options_.now));
      ind->last_seen =
          std::max(ind->first_seen, time_field(o, "modified").value_or(ind->first_seen));
      if (auto until = time_field(o, "valid_until")) ind->valid_until = *until;
      if (o.contains("confidence") && o["confidence"].is_number_integer()) {
        ind->confidence = std::clamp(o["confidence"].get<int>(), 0, 100);
      }
      append_strings(o, "indicator_types", ind->tags);
      append_strings(o, "labels", ind->tags);
      ind->description = string_field(o, "name");
      if (ind->description.empty()) ind->description = string_field(o, "description");
      ind->reference = reference_of(o);
      report.add(*ind);
    }
  }
  return report;
}

}  // namespace vigil::intel
