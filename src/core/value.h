// A JSON value as vigil holds it in memory: parsed once on ingest, read by
// every stage, written out (sanitized) by the store and the API.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace vigil {

class Value;
using Array = std::vector<Value>;
// Objects keep insertion order and are searched linearly: events have few
// keys per level, and order-preserving output is what users expect to read.
using Member = std::pair<std::string, Value>;
using Object = std::vector<Member>;

class Value {
 public:
  enum class Kind : uint8_t { kNull, kBool, kInt, kUint, kDouble, kString, kArray, kObject };

  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool b) : v_(b) {}
  Value(int v) : v_(int64_t{v}) {}
  Value(int64_t v) : v_(v) {}
  Value(uint64_t v) : v_(v) {}
  Value(double v) : v_(v) {}
  Value(std::string s) : v_(std::move(s)) {}
  // In place: a temporary string moved into the variant copies short
  // (SSO) strings twice, and most of an event's strings are short.
  Value(std::string_view s) : v_(std::in_place_type<std::string>, s) {}
  Value(const char* s) : v_(std::in_place_type<std::string>, s) {}
  Value(Array a) : v_(std::move(a)) {}
  Value(Object o) : v_(std::move(o)) {}

  Kind kind() const { return static_cast<Kind>(v_.index()); }
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_bool() const { return kind() == Kind::kBool; }
  bool is_string() const { return kind() == Kind::kString; }
  bool is_object() const { return kind() == Kind::kObject; }
  bool is_array() const { return kind() == Kind::kArray; }
  bool is_number() const {
    return kind() == Kind::kInt || kind() == Kind::kUint || kind() == Kind::kDouble;
  }

  bool as_bool() const { return std::get<bool>(v_); }
  int64_t as_int() const { return std::get<int64_t>(v_); }
  uint64_t as_uint() const { return std::get<uint64_t>(v_); }
  double as_double() const { return std::get<double>(v_); }
  // Any numeric kind as a double (for thresholds and features).
  double number() const;
  const std::string& as_string() const { return std::get<std::string>(v_); }
  std::string& as_string() { return std::get<std::string>(v_); }
  const Array& as_array() const { return std::get<Array>(v_); }
  Array& as_array() { return std::get<Array>(v_); }
  const Object& as_object() const { return std::get<Object>(v_); }
  Object& as_object() { return std::get<Object>(v_); }

  // Member lookup on an object; nullptr when absent or not an object.
  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
  // Sets (or replaces) a member; turns a null value into an object first.
  Value& set(std::string_view key, Value v);

  friend bool operator==(const Value&, const Value&) = default;

 private:
  std::variant<std::monostate, bool, int64_t, uint64_t, double, std::string, Array, Object> v_;
};

// Calls f(scalar) for every non-null scalar under `v` (strings, numbers,
// booleans; object members and array items in document order).
template <typename F>
void for_each_scalar(const Value& v, F&& f) {
  if (v.is_object()) {
    for (const auto& member : v.as_object()) for_each_scalar(member.second, f);
  } else if (v.is_array()) {
    for (const auto& item : v.as_array()) for_each_scalar(item, f);
  } else if (!v.is_null()) {
    f(v);
  }
}

}  // namespace vigil
