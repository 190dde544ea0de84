#include "detect/event_fields.h"

#include <fmt/format.h>

#include <charconv>

#include "detect/field_mapping.h"
#include "detect/text_fold.h"

namespace vigil::sigma {

namespace {

// What fmt's "{}" writes for an integer, without its formatting machinery
// (Windows events hold many numbers, and keyword searches read them all).
template <typename T>
void append_decimal(T n, std::string& out) {
  char buf[24];
  const auto end = std::to_chars(buf, buf + sizeof buf, n).ptr;
  out.append(buf, end);
}

}  // namespace

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
        append_decimal(value_->as_int(), raw_);
        break;
      case Value::Kind::kUint:
        append_decimal(value_->as_uint(), raw_);
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

// One thread's field tables: every field's value (resolved when the event
// arrives), and per field id whether its subject is set this event;
// `touched` lists the ids to clear after the event.
struct FieldsStorage {
  std::vector<const Value*> values;
  std::vector<unsigned char> subject_set;
  std::vector<Subject> subjects;
  std::vector<uint32_t> touched;
  std::vector<Subject> texts;  // [0, text_count) hold this event's texts
  size_t text_count = 0;
  bool texts_ready = false;
  bool busy = false;
};

namespace {

FieldsStorage& thread_storage() {
  thread_local FieldsStorage storage;
  return storage;
}

}  // namespace

EventFields::EventFields(const FieldMapping& mapping, const Value& doc) : doc_(doc) {
  FieldsStorage& mine = thread_storage();
  if (mine.busy) {
    owned_ = std::make_unique<FieldsStorage>();
    storage_ = owned_.get();
  } else {
    storage_ = &mine;
  }
  FieldsStorage& s = *storage_;
  s.busy = true;
  s.text_count = 0;
  s.texts_ready = false;
  const size_t n = mapping.field_count();
  if (s.subject_set.size() < n) {
    s.subject_set.resize(n, 0);
    s.subjects.resize(n);
  }
  mapping.resolve_all(doc, s.values);
}

EventFields::~EventFields() {
  FieldsStorage& s = *storage_;
  for (uint32_t id : s.touched) s.subject_set[id] = 0;
  s.touched.clear();
  s.busy = false;
}

const Value* EventFields::value(int field_id) const {
  return storage_->values[static_cast<size_t>(field_id)];
}

Subject& EventFields::subject(int field_id) const {
  FieldsStorage& s = *storage_;
  const auto i = static_cast<size_t>(field_id);
  Subject& subject = s.subjects[i];
  if (s.subject_set[i] == 0) {
    s.subject_set[i] = 1;
    s.touched.push_back(static_cast<uint32_t>(i));
    subject.reset(s.values[i], field_id);
  }
  return subject;
}

std::span<const Subject> EventFields::all_texts() const {
  FieldsStorage& s = *storage_;
  if (!s.texts_ready) {
    s.texts_ready = true;
    for_each_scalar(doc_, [&s](const Value& v) {
      if (s.text_count == s.texts.size()) s.texts.emplace_back();
      s.texts[s.text_count++].reset(&v, -1);
    });
  }
  return {s.texts.data(), s.text_count};
}

}  // namespace vigil::sigma
