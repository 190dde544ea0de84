#include "core/value.h"

namespace vigil {

double Value::number() const {
  switch (kind()) {
    case Kind::kInt:
      return static_cast<double>(as_int());
    case Kind::kUint:
      return static_cast<double>(as_uint());
    case Kind::kDouble:
      return as_double();
    default:
      return 0.0;
  }
}

const Value* Value::find(std::string_view key) const {
  if (!is_object()) return nullptr;
  for (const auto& [k, v] : as_object()) {
    if (k == key) return &v;
  }
  return nullptr;
}

Value* Value::find(std::string_view key) {
  return const_cast<Value*>(static_cast<const Value&>(*this).find(key));
}

Value& Value::set(std::string_view key, Value v) {
  if (is_null()) v_ = Object{};
  auto& obj = as_object();
  for (auto& [k, existing] : obj) {
    if (k == key) return existing = std::move(v);
  }
  // Objects built member by member (decoders, the normalizer) would otherwise
  // reallocate at 1, 2 and 4 members; most event objects have 2 to 4.
  if (obj.capacity() == 0) obj.reserve(4);
  return obj.emplace_back(std::string(key), std::move(v)).second;
}

}  // namespace vigil
