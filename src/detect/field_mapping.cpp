#include "detect/field_mapping.h"

#include <yaml-cpp/yaml.h>

#include "detect/text_fold.h"

namespace vigil::sigma {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> scalars(const YAML::Node& n) {
  std::vector<std::string> out;
  if (!n || n.IsNull()) return out;
  if (n.IsScalar()) return {n.Scalar()};
  for (const auto& item : n) {
    if (item.IsScalar()) out.push_back(item.Scalar());
  }
  return out;
}

std::string scalar(const YAML::Node& n) {
  return n && n.IsScalar() ? n.Scalar() : std::string();
}

std::map<std::string, std::string> string_map(const YAML::Node& n) {
  std::map<std::string, std::string> out;
  if (!n || !n.IsMap()) return out;
  for (const auto& kv : n) out[kv.first.Scalar()] = scalar(kv.second);
  return out;
}

constexpr std::string_view kChannelPrefix = "WinEventLog:";

LogsourceEntry parse_entry(const std::string& name, const YAML::Node& n) {
  LogsourceEntry e;
  e.name = name;
  e.product = scalar(n["product"]);
  e.category = scalar(n["category"]);
  e.service = scalar(n["service"]);
  if (const YAML::Node rewrite = n["rewrite"]; rewrite && rewrite.IsMap()) {
    e.rewrite_service = scalar(rewrite["service"]);
  }
  if (n["conditions"] && n["conditions"].IsMap()) {
    for (const auto& kv : n["conditions"]) {
      e.conditions.emplace_back(kv.first.Scalar(), scalars(kv.second));
    }
  }
  for (const auto& source : scalars(n["sources"])) {
    // Only event-log channels can be recognized in an event; `File:` sources
    // of the table describe files, not events.
    if (source.starts_with(kChannelPrefix)) {
      e.channels.push_back(fold_case(source.substr(kChannelPrefix.size())));
    }
  }
  e.renames = string_map(n["fieldmappings"]);
  return e;
}

Result<YAML::Node> load_yaml(const fs::path& file) {
  try {
    return YAML::LoadFile(file.string());
  } catch (const YAML::Exception& e) {
    return make_error(ErrorCode::kConfig,
                      file.string() + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

}  // namespace

Result<FieldMapping> FieldMapping::load(const fs::path& file,
                                        const std::vector<fs::path>& extra_logsource_files) {
  auto root = load_yaml(file);
  if (!root) return tl::unexpected(root.error());
  auto mapping = parse(YAML::Dump(*root), file.parent_path());
  if (!mapping) {
    return make_error(ErrorCode::kConfig, file.string() + ": " + mapping.error().message);
  }
  for (const auto& extra : extra_logsource_files) {
    auto r = mapping->add_logsource_file(extra);
    if (!r) return tl::unexpected(r.error());
  }
  return mapping;
}

Result<void> FieldMapping::add_logsource_file(const fs::path& file) {
  auto root = load_yaml(file);
  if (!root) return tl::unexpected(root.error());
  const YAML::Node table = (*root)["logsources"];
  if (!table || !table.IsMap()) {
    return make_error(ErrorCode::kConfig, file.string() + ": no 'logsources' table");
  }
  for (const auto& kv : table) add_entry(parse_entry(kv.first.Scalar(), kv.second));
  return {};
}

void FieldMapping::add_entry(LogsourceEntry e) {
  for (auto& existing : entries_) {
    if (existing.name == e.name) {
      existing = std::move(e);
      return;
    }
  }
  entries_.push_back(std::move(e));
}

Result<FieldMapping> FieldMapping::parse(std::string_view yaml, const fs::path& base_dir) {
  FieldMapping m;
  m.base_dir_ = base_dir;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return make_error(ErrorCode::kConfig, "line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (!root.IsMap()) return make_error(ErrorCode::kConfig, "a mapping must be a YAML mapping");
  m.name_ = scalar(root["name"]);
  m.product_ = scalar(root["product"]);
  for (const auto& p : scalars(root["recognize"])) m.recognize_.emplace_back(p);
  auto fields = m.parse_fields(&root);
  if (!fields) return tl::unexpected(fields.error());
  m.channel_name_ = scalar(root["channel"]);
  if (!m.channel_name_.empty()) m.channel_id_ = m.intern(m.channel_name_);
  if (root["logsources"] && root["logsources"].IsMap()) {
    for (const auto& kv : root["logsources"]) {
      m.add_entry(parse_entry(kv.first.Scalar(), kv.second));
    }
  }
  for (const auto& file : scalars(root["logsource_files"])) {
    auto r = m.add_logsource_file(base_dir / file);
    if (!r) return tl::unexpected(r.error());
  }
  return m;
}

Result<void> FieldMapping::parse_fields(const void* node) {
  const YAML::Node& root = *static_cast<const YAML::Node*>(node);
  const YAML::Node f = root["fields"];
  if (!f || !f.IsMap()) return make_error(ErrorCode::kConfig, "mapping has no 'fields' section");
  const std::string style = scalar(f["style"]);
  if (style != "flatten" && style != "paths") {
    return make_error(ErrorCode::kConfig, "fields.style must be 'flatten' or 'paths'");
  }
  flatten_ = style == "flatten";
  remove_spaces_ = scalar(f["remove_spaces"]) == "true";
  if (f["roots"]) {
    for (const auto& r : f["roots"]) {
      Root root_spec;
      const std::string path = scalar(r["path"]);
      root_spec.whole_doc = path.empty();
      if (!root_spec.whole_doc) root_spec.path = root_paths_.add(path);
      root_spec.descend = scalar(r["descend"]) == "true";
      root_spec.attributes = scalar(r["attributes"]) == "true";
      roots_.push_back(std::move(root_spec));
    }
  }
  const auto aliases = string_map(f["aliases"]);
  aliases_.insert(aliases.begin(), aliases.end());
  renames_ = string_map(f["renames"]);
  return {};
}

bool FieldMapping::recognizes(const Value& doc) const {
  for (const auto& p : recognize_) {
    if (p.find(doc) != nullptr) return true;
  }
  return recognize_.empty();
}

FieldMapping::KeyTargets& FieldMapping::targets_of(std::string_view event_key) {
  spaced_keys_ = spaced_keys_ || event_key.find(' ') != std::string_view::npos;
  const auto next = static_cast<uint32_t>(key_targets_.size());
  const uint32_t index = key_index_.insert(0, event_key, next);
  if (index == next) key_targets_.emplace_back();
  return key_targets_[index];
}

int FieldMapping::intern(const std::string& event_field) {
  std::string key = event_field;
  if (!flatten_) {
    const auto r = renames_.find(event_field);
    if (r != renames_.end()) key = r->second;
  }
  const auto it = ids_.find(key);
  if (it != ids_.end()) return it->second;
  const int id = static_cast<int>(names_.size());
  ids_.emplace(key, id);
  targets_of(key).direct = id;
  for (const auto& [event_key, rule_field] : aliases_) {
    if (rule_field == key) targets_of(event_key).alias = id;
  }
  names_.push_back(key);
  if (!flatten_) paths_.add(key);  // ids_ holds each key once: same ids
  return id;
}

}  // namespace vigil::sigma
