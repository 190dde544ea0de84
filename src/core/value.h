// A JSON value as vigil holds it in memory: parsed once on ingest, read by
// every stage, written out (sanitized) by the store and the API.
#pragma once

#include <cstdint>
#include <new>
#include <string>
#include <string_view>
#include <utility>
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

  // Scalars' eight bytes are always written: moves copy them whole.
  Value() noexcept : uint_(0) {}
  Value(std::nullptr_t) noexcept : uint_(0) {}
  Value(bool b) noexcept : uint_(0), kind_(Kind::kBool) { bool_ = b; }
  Value(int v) noexcept : kind_(Kind::kInt) { int_ = v; }
  Value(int64_t v) noexcept : kind_(Kind::kInt) { int_ = v; }
  Value(uint64_t v) noexcept : kind_(Kind::kUint) { uint_ = v; }
  Value(double v) noexcept : kind_(Kind::kDouble) { double_ = v; }
  Value(std::string s) noexcept : kind_(Kind::kString) { new (&string_) std::string(std::move(s)); }
  Value(std::string_view s) : kind_(Kind::kString) { new (&string_) std::string(s); }
  Value(const char* s) : kind_(Kind::kString) { new (&string_) std::string(s); }
  Value(Array a) noexcept : kind_(Kind::kArray) { new (&array_) Array(std::move(a)); }
  Value(Object o) noexcept : kind_(Kind::kObject) { new (&object_) Object(std::move(o)); }

  Value(const Value& other) { copy_from(other); }
  Value(Value&& other) noexcept { move_from(other); }
  Value& operator=(const Value& other);
  Value& operator=(Value&& other) noexcept;
  ~Value() { destroy(); }

  Kind kind() const { return kind_; }
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_bool() const { return kind() == Kind::kBool; }
  bool is_string() const { return kind() == Kind::kString; }
  bool is_object() const { return kind() == Kind::kObject; }
  bool is_array() const { return kind() == Kind::kArray; }
  bool is_number() const {
    return kind() == Kind::kInt || kind() == Kind::kUint || kind() == Kind::kDouble;
  }

  // Reading a value as a kind it does not hold is a bug: it throws
  // std::logic_error.
  bool as_bool() const {
    expect(Kind::kBool);
    return bool_;
  }
  int64_t as_int() const {
    expect(Kind::kInt);
    return int_;
  }
  uint64_t as_uint() const {
    expect(Kind::kUint);
    return uint_;
  }
  double as_double() const {
    expect(Kind::kDouble);
    return double_;
  }
  // Any numeric kind as a double (for thresholds and features).
  double number() const;
  const std::string& as_string() const {
    expect(Kind::kString);
    return string_;
  }
  std::string& as_string() {
    expect(Kind::kString);
    return string_;
  }
  const Array& as_array() const {
    expect(Kind::kArray);
    return array_;
  }
  Array& as_array() {
    expect(Kind::kArray);
    return array_;
  }
  const Object& as_object() const {
    expect(Kind::kObject);
    return object_;
  }
  Object& as_object() {
    expect(Kind::kObject);
    return object_;
  }

  // Member lookup on an object; nullptr when absent or not an object.
  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
  // Sets (or replaces) a member; turns a null value into an object first.
  Value& set(std::string_view key, Value v);

  friend bool operator==(const Value& a, const Value& b);

 private:
  // A tagged union rather than std::variant: libstdc++'s variant destroys
  // and moves through a table of function pointers, an indirect call per
  // value of every event tree freed (13 mispredicted an event, simulated),
  // where the kind's branches here are predicted and scalars cost nothing.
  void destroy() noexcept {
    if (kind_ < Kind::kString) return;
    if (kind_ == Kind::kString) {
      string_.~basic_string();
      return;
    }
    destroy_container();
  }
  // `other` keeps its kind and a moved-from member, as std::variant left it.
  void move_from(Value& other) noexcept {
    kind_ = other.kind_;
    if (kind_ < Kind::kString) {
      uint_ = other.uint_;  // every scalar's bytes
      return;
    }
    if (kind_ == Kind::kString) {
      new (&string_) std::string(std::move(other.string_));
      return;
    }
    move_container(other);
  }
  void destroy_container() noexcept;
  void move_container(Value& other) noexcept;
  void copy_from(const Value& other);
  void expect(Kind k) const {
    if (kind_ != k) wrong_kind(k);
  }
  [[noreturn]] void wrong_kind(Kind wanted) const;

  union {
    bool bool_;
    int64_t int_;
    uint64_t uint_;
    double double_;
    std::string string_;
    Array array_;
    Object object_;
  };
  Kind kind_ = Kind::kNull;
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
