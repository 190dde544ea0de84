// How rules meet events of one schema (a processing pipeline, in pySigma's
// terms): which events the mapping recognizes, how a rule's field names
// address the event (flattened keys like SigmaHQ's Windows runner, or dotted
// paths for vigil's ECS events), and how a rule's `logsource` is recognized
// (category -> EventID + channel, service -> channel, per-source renames).
// Loaded from YAML; see rules/mappings/*.yml for the documented format.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "core/field_path.h"
#include "core/key_table.h"
#include "core/strings.h"
#include "core/value.h"
#include "detect/rule.h"

namespace vigil::sigma {

using FieldIds = std::unordered_map<std::string, int, StringHash, std::equal_to<>>;

// One way a log source shows up in events (Sysmon EID 1 and Security 4688
// are two variants of process_creation), with its field renames.
struct LogsourceVariant {
  std::string key;
  std::vector<std::string> channels;  // case-folded; empty = any channel
  std::vector<std::pair<int, std::vector<std::string>>> conditions;  // field id -> folded values
  std::map<std::string, std::string> renames;                        // rule field -> event field
};

// A row of a thor.yml-style `logsources:` table.
struct LogsourceEntry {
  std::string name, product, category, service, rewrite_service;
  std::vector<std::pair<std::string, std::vector<std::string>>> conditions;
  std::vector<std::string> channels;
  std::map<std::string, std::string> renames;
};

class FieldMapping {
 public:
  // `extra_logsource_files` are thor.yml-format tables merged after the
  // mapping's own (a later entry of the same name replaces an earlier one).
  static Result<FieldMapping> load(
      const std::filesystem::path& file,
      const std::vector<std::filesystem::path>& extra_logsource_files = {});
  static Result<FieldMapping> parse(std::string_view yaml, const std::filesystem::path& base_dir);
  Result<void> add_logsource_file(const std::filesystem::path& file);

  const std::string& name() const { return name_; }
  bool is_fallback() const { return recognize_.empty(); }
  bool recognizes(const Value& doc) const;

  // Compile time (single-threaded): field ids and the variants of a rule's
  // logsource. No variants: the rule never applies to this mapping's events.
  int intern(const std::string& event_field);
  size_t field_count() const { return names_.size(); }
  std::vector<int> variants_for(const Logsource& ls);
  const std::vector<LogsourceVariant>& variants() const { return variants_; }

  // Event time: values[id] = the value of field `id` in `doc`, or nullptr,
  // for every field at once (one walk of the event, not a search per field).
  void resolve_all(const Value& doc, std::vector<const Value*>& values) const;
  int channel_field() const { return channel_id_; }

 private:
  struct Root {
    uint32_t path = 0;  // in root_paths_
    bool whole_doc = false;
    bool descend = false;
    bool attributes = false;
  };
  Result<void> parse_fields(const void* node);
  void add_entry(LogsourceEntry e);
  int add_variant(LogsourceVariant v);
  void flatten(const Value& doc, std::vector<const Value*>& values) const;
  void flatten_object(const Value& obj, const Root& root, std::vector<const Value*>& values) const;
  void assign(std::string_view key, const Value& v, std::vector<const Value*>& values) const;
  void assign_without_spaces(std::string_view key, const Value& v,
                             std::vector<const Value*>& values) const;
  struct KeyTargets;
  void assign_to(const KeyTargets& targets, const Value& v,
                 std::vector<const Value*>& values) const;
  std::vector<std::string> channels_of_service(const std::string& service) const;
  bool product_matches(const std::string& entry_product, const std::string& rule_product) const;

  std::string name_, product_;
  std::vector<FieldPath> recognize_;
  bool flatten_ = false;
  bool remove_spaces_ = false;
  std::string attributes_key_ = "#attributes";
  std::string text_key_ = "#text";
  std::vector<Root> roots_;
  FieldPathSet root_paths_;  // found in one walk, not a search per root
  std::map<std::string, std::string, std::less<>> aliases_;  // event key -> rule field (flatten)
  std::map<std::string, std::string> renames_;               // rule field -> event path (paths)
  std::vector<LogsourceEntry> entries_;
  std::string channel_name_;
  int channel_id_ = -1;
  FieldIds ids_;
  // Flatten mode, per event key: the field it fills under its own name and
  // the one it fills as an alias (-1: none), so each key of an event costs
  // one hash lookup. Kept up to date by intern().
  struct KeyTargets {
    int direct = -1, alias = -1;
  };
  KeyTargets& targets_of(std::string_view event_key);
  KeyTable key_index_;        // event key -> index into key_targets_
  bool spaced_keys_ = false;  // a key of key_index_ has a space
  std::vector<KeyTargets> key_targets_;
  std::vector<std::string> names_;
  FieldPathSet paths_;  // paths style: field id = path id
  std::vector<LogsourceVariant> variants_;
  std::map<std::string, int> variant_ids_;
  std::filesystem::path base_dir_;
};

}  // namespace vigil::sigma
