#include "detect/event_fields.h"

#include <fmt/format.h>

#include "detect/field_mapping.h"
#include "detect/text_fold.h"

namespace vigil::sigma {

void Subject::reset(const Value* v) {
  value_ = v;
  has_text_ = v != nullptr && !v->is_null() && !v->is_object() && !v->is_array();
  raw_ready_ = folded_ready_ = false;
}

std::string_view Subject::raw() const {
  if (value_ != nullptr && value_->is_string()) return value_->as_string();
  if (!raw_ready_) {
    raw_ready_ = true;
    raw_.clear();
    if (value_ == nullptr) return raw_;
    switch (value_->kind()) {
      case Value::Kind::kBool:
        raw_ = value_->as_bool() ? "true" : "false";
        break;
      case Value::Kind::kInt:
        raw_ = fmt::format("{}", value_->as_int());
        break;
      case Value::Kind::kUint:
        raw_ = fmt::format("{}", value_->as_uint());
        break;
      case Value::Kind::kDouble:
        raw_ = fmt::format("{}", value_->as_double());
        break;
      default:
        break;
    }
  }
  return raw_;
}

std::string_view Subject::folded() const {
  if (!folded_ready_) {
    folded_ready_ = true;
    fold_case_into(raw(), folded_);
  }
  return folded_;
}

EventFields::EventFields(const FieldMapping& mapping, const Value& doc)
    : mapping_(mapping), doc_(doc) {
  const size_t n = mapping.field_count();
  subjects_.resize(n);
  if (mapping.flattens()) {
    mapping.flatten(doc, values_);
    resolved_.assign(n, 1);
  } else {
    values_.assign(n, nullptr);
    resolved_.assign(n, 0);
  }
}

const Value* EventFields::value(int field_id) const {
  const auto i = static_cast<size_t>(field_id);
  if (!resolved_[i]) {
    resolved_[i] = 1;
    values_[i] = mapping_.resolve(doc_, field_id);
  }
  return values_[i];
}

Subject& EventFields::subject(int field_id) const {
  auto& s = subjects_[static_cast<size_t>(field_id)];
  if (!s) s = std::make_unique<Subject>(value(field_id), field_id);
  return *s;
}

namespace {

void collect_texts(const Value& v, std::vector<Subject>& out) {
  if (v.is_object()) {
    for (const auto& [key, child] : v.as_object()) collect_texts(child, out);
  } else if (v.is_array()) {
    for (const auto& child : v.as_array()) collect_texts(child, out);
  } else if (!v.is_null()) {
    out.emplace_back(&v);
  }
}

}  // namespace

const std::vector<Subject>& EventFields::all_texts() const {
  if (!texts_ready_) {
    texts_ready_ = true;
    collect_texts(doc_, texts_);
  }
  return texts_;
}

}  // namespace vigil::sigma
