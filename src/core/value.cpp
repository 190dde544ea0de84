#include "core/value.h"

#include <stdexcept>

namespace vigil {

void Value::destroy_container() noexcept {
  if (kind_ == Kind::kArray) {
    array_.~Array();
  } else {
    object_.~Object();
  }
}

void Value::move_container(Value& other) noexcept {
  if (kind_ == Kind::kArray) {
    new (&array_) Array(std::move(other.array_));
  } else {
    new (&object_) Object(std::move(other.object_));
  }
}

// Only the copy constructor calls this (assignment copies into a temporary
// first): if a copy throws, no Value was constructed.
void Value::copy_from(const Value& other) {
  if (other.kind_ < Kind::kString) {
    uint_ = other.uint_;
  } else if (other.kind_ == Kind::kString) {
    new (&string_) std::string(other.string_);
  } else if (other.kind_ == Kind::kArray) {
    new (&array_) Array(other.array_);
  } else {
    new (&object_) Object(other.object_);
  }
  kind_ = other.kind_;
}

Value& Value::operator=(const Value& other) {
  if (this != &other) *this = Value(other);
  return *this;
}

// `other` may live inside this value (`v = std::move(v.as_array()[0])`): a
// container is emptied only after `other` has been moved out of it.
Value& Value::operator=(Value&& other) noexcept {
  if (this == &other) return *this;
  if (kind_ < Kind::kArray) {
    destroy();
    move_from(other);
    return *this;
  }
  Value moved(std::move(other));
  destroy();
  move_from(moved);
  return *this;
}

bool operator==(const Value& a, const Value& b) {
  if (a.kind_ != b.kind_) return false;
  switch (a.kind_) {
    case Value::Kind::kNull:
      return true;
    case Value::Kind::kBool:
      return a.bool_ == b.bool_;
    case Value::Kind::kInt:
      return a.int_ == b.int_;
    case Value::Kind::kUint:
      return a.uint_ == b.uint_;
    case Value::Kind::kDouble:
      return a.double_ == b.double_;
    case Value::Kind::kString:
      return a.string_ == b.string_;
    case Value::Kind::kArray:
      return a.array_ == b.array_;
    case Value::Kind::kObject:
      return a.object_ == b.object_;
  }
  return false;
}

void Value::wrong_kind(Kind wanted) const {
  throw std::logic_error("vigil::Value of kind " + std::to_string(static_cast<int>(kind_)) +
                         " read as kind " + std::to_string(static_cast<int>(wanted)));
}

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
  if (is_null()) *this = Value(Object{});
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
