#include "core/field_path.h"

namespace vigil {

FieldPath::FieldPath(std::string_view dotted) : dotted_(dotted) {
  size_t start = 0;
  while (start <= dotted.size()) {
    size_t dot = dotted.find('.', start);
    if (dot == std::string_view::npos) dot = dotted.size();
    segments_.emplace_back(dotted.substr(start, dot - start));
    start = dot + 1;
  }
}

const Value* FieldPath::find(const Value& doc) const {
  if (segments_.empty()) return nullptr;
  const Value* cur = &doc;
  for (const auto& seg : segments_) {
    cur = cur->find(seg);
    if (cur == nullptr) break;
  }
  if (cur != nullptr || segments_.size() == 1) return cur;
  return doc.find(dotted_);
}

Value& FieldPath::set(Value& doc, Value v) const {
  Value* cur = &doc;
  for (size_t i = 0; i + 1 < segments_.size(); ++i) {
    Value* next = cur->find(segments_[i]);
    if (next == nullptr) {
      next = &cur->set(segments_[i], Object{});
    } else if (!next->is_object()) {
      // A scalar already sits on the way ("user": "alice"): never clobber
      // data the event carried; keep the field under its flat dotted key.
      return doc.set(dotted_, std::move(v));
    }
    cur = next;
  }
  return cur->set(segments_.back(), std::move(v));
}

}  // namespace vigil
