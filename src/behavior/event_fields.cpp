#include "behavior/event_fields.h"

namespace vigil::behavior {

EventFields::EventFields(const FieldPathSet& paths, const Value& doc) {
  if (paths.size() <= kInline) {
    values_ = std::span<const Value*>(inline_.data(), paths.size());
  } else {
    more_.resize(paths.size());
    values_ = more_;
  }
  paths.resolve(doc, values_);
}

}  // namespace vigil::behavior
