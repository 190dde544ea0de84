#include "behavior/event_fields.h"

namespace vigil::behavior {

EventFields::EventFields(const Value& doc) : doc_(doc) {
  if (!doc.is_object()) return;
  for (const Member& member : doc.as_object()) {
    if (member.first.find('.') == std::string::npos) continue;
    if (count_ == kNoted) {
      overflow_ = true;
      return;
    }
    dotted_[count_++] = &member;
  }
}

const Value* EventFields::flat(std::string_view dotted) const {
  if (overflow_) return doc_.find(dotted);
  for (uint8_t i = 0; i < count_; ++i) {
    if (dotted_[i]->first == dotted) return &dotted_[i]->second;
  }
  return nullptr;
}

}  // namespace vigil::behavior
