// FieldMapping at event time: how an event's values are found by field id.
#include "detect/field_mapping.h"

namespace vigil::sigma {

// A key with spaces, when the mapping drops them (`Process Name` is the
// rule field ProcessName): kept out of assign(), whose string would cost
// every key of every event its construction and destruction.
void FieldMapping::assign_without_spaces(std::string_view key, const Value& v,
                                         std::vector<const Value*>& values) const {
  std::string compact;
  for (char c : key) {
    if (c != ' ') compact.push_back(c);
  }
  assign(compact, v, values);
}

// Most keys have no space to remove, and while no key of the table has one
// (spaced_keys_), a key found as it is has none: only keys not found are
// searched for a space (a memchr call a key of every event).
void FieldMapping::assign(std::string_view key, const Value& v,
                          std::vector<const Value*>& values) const {
  const auto has_space = [&] { return key.find(' ') != std::string_view::npos; };
  if (remove_spaces_ && spaced_keys_ && has_space()) {
    assign_without_spaces(key, v, values);
    return;
  }
  const uint32_t index = key_index_.find(0, key);
  if (index != KeyTable::kAbsent) {
    assign_to(key_targets_[index], v, values);
  } else if (remove_spaces_ && !spaced_keys_ && has_space()) {
    assign_without_spaces(key, v, values);
  }
}

// An element with attributes and text (`"EventID": {"#text": 4688, ...}`)
// is addressed by its text.
void FieldMapping::assign_to(const KeyTargets& targets, const Value& v,
                             std::vector<const Value*>& values) const {
  const Value* value = &v;
  if (v.is_object()) {
    if (const Value* text = v.find(text_key_)) value = text;
  }
  for (const int id : {targets.direct, targets.alias}) {
    if (id >= 0 && values[static_cast<size_t>(id)] == nullptr) {
      values[static_cast<size_t>(id)] = value;
    }
  }
}

void FieldMapping::flatten_object(const Value& obj, const Root& root,
                                  std::vector<const Value*>& values) const {
  for (const auto& [key, v] : obj.as_object()) {
    if (v.is_object() && root.attributes) {
      // <Tag Attr="x"/> rendered as {"Tag": {"#attributes": {"Attr": "x"}}}
      // is the rule field Tag_Attr (Sigma's convention).
      if (const Value* attrs = v.find(attributes_key_); attrs != nullptr && attrs->is_object()) {
        thread_local std::string name;
        for (const auto& [attr, attr_value] : attrs->as_object()) {
          name.assign(key).append("_").append(attr);
          assign(name, attr_value, values);
        }
      }
    }
    if (v.is_object() && root.descend) {
      flatten_object(v, root, values);
      continue;
    }
    assign(key, v, values);
  }
}

void FieldMapping::flatten(const Value& doc, std::vector<const Value*>& values) const {
  values.assign(names_.size(), nullptr);
  thread_local std::vector<const Value*> root_values;
  root_paths_.resolve(doc, root_values);
  for (const auto& root : roots_) {
    const Value* obj = root.whole_doc ? &doc : root_values[root.path];
    if (obj != nullptr && obj->is_object()) flatten_object(*obj, root, values);
  }
}

void FieldMapping::resolve_all(const Value& doc, std::vector<const Value*>& values) const {
  if (flatten_) {
    flatten(doc, values);
  } else {
    paths_.resolve(doc, values);
  }
}

}  // namespace vigil::sigma
