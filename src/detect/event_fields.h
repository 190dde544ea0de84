// The fields of one event as rules see them: rule field names are interned to
// small ids when rules are compiled, every field's value is found in one walk
// of the event when its EventFields is made, and read by id. Text forms (and their case-folded
// forms) are computed at most once per field per event, however many rules test the field.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.h"

namespace vigil::sigma {

class FieldMapping;

// One value under test: a field's value (or one element of an array field).
class Subject {
 public:
  Subject() = default;
  explicit Subject(const Value* v, int field_id = -1) : field_id_(field_id) { reset(v); }
  void reset(const Value* v);
  void reset(const Value* v, int field_id) {
    field_id_ = field_id;
    reset(v);
  }

  const Value* value() const { return value_; }
  // The event field this value (or array element) is of; -1 for keyword
  // searches over every text of the event.
  int field_id() const { return field_id_; }
  // Scalars have a text form: strings as they are, numbers in decimal,
  // booleans as true/false. Null, objects and arrays have none.
  bool has_text() const { return has_text_; }
  std::string_view raw() const;
  std::string_view folded() const;

 private:
  const Value* value_ = nullptr;
  int field_id_ = -1;
  bool has_text_ = false;
  mutable bool raw_ready_ = false;
  mutable bool folded_ready_ = false;
  mutable std::string raw_;
  mutable std::string folded_;
};

struct FieldsStorage;

// Not copyable; one per event being matched. Its buffers are the thread's,
// reused from event to event (a nested EventFields on the same thread gets
// its own), so looking fields up allocates nothing once they have grown.
class EventFields {
 public:
  EventFields(const FieldMapping& mapping, const Value& doc);
  ~EventFields();
  EventFields(const EventFields&) = delete;
  EventFields& operator=(const EventFields&) = delete;

  const Value& doc() const { return doc_; }
  // nullptr when the event has no such field.
  const Value* value(int field_id) const;
  Subject& subject(int field_id) const;
  // Every scalar text of the event, for keyword (field-less) searches.
  std::span<const Subject> all_texts() const;

 private:
  const Value& doc_;
  FieldsStorage* storage_;
  std::unique_ptr<FieldsStorage> owned_;  // when the thread's storage is busy
};

}  // namespace vigil::sigma
