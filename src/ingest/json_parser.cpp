#include "ingest/json_parser.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <cstring>

namespace vigil {
namespace {

constexpr size_t kTypicalTopLevelFields = 32;
constexpr size_t kTypicalNestedFields = 4;

namespace od = simdjson::ondemand;

using Status = tl::expected<void, ParseFailure>;

tl::unexpected<ParseFailure> fail(RejectReason r, std::string msg) {
  return tl::unexpected<ParseFailure>(ParseFailure{r, std::move(msg)});
}

tl::unexpected<ParseFailure> from_simdjson(simdjson::error_code e) {
  if (e == simdjson::UTF8_ERROR) return fail(RejectReason::kInvalidUtf8, "invalid UTF-8");
  if (e == simdjson::DEPTH_ERROR) return fail(RejectReason::kTooDeep, "nesting too deep");
  return fail(RejectReason::kParseError,
              fmt::format("invalid JSON: {}", simdjson::error_message(e)));
}

// Builds every value where it ends up: an object member or array item is
// constructed in its container from the parsed scalar, and containers are
// filled in place. (Returning each Value up the recursion moved every one of
// them through std::variant's visitation twice: once into the container, once
// to destroy the moved-from temporary.)
class Converter {
 public:
  explicit Converter(const ParseLimits& limits) : limits_(limits) {}

  Status object(simdjson::simdjson_result<od::object> result, int depth, Object& out) {
    if (depth > limits_.max_depth) return too_deep();
    od::object obj;
    if (auto e = std::move(result).get(obj)) return from_simdjson(e);
    // An event carries a dozen or two top-level fields (plus the ones the
    // normalizer adds); growing from zero reallocated five times per event.
    // A nested object ({"user": {"name", "id", "email"}}) holds a few: room
    // for four at once (growing from one reallocated two or three times; a
    // test of the capacity at every member cost more than the rare empty
    // object's allocation).
    out.reserve(depth == 1 ? kTypicalTopLevelFields : kTypicalNestedFields);
    for (auto field : obj) {
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return from_simdjson(e);
      if (key.size() > limits_.max_field_bytes) return field_too_large("a key");
      auto member = [&out, key](auto&& v) -> Value& {
        return out
            .emplace_back(std::piecewise_construct, std::forward_as_tuple(key),
                          std::forward_as_tuple(std::forward<decltype(v)>(v)))
            .second;
      };
      if (auto status = value(field.value(), depth, member); !status) return status;
    }
    return {};
  }

 private:
  // Converts `v` and constructs it through `place(x)`, which makes a Value
  // from x where it belongs and returns it.
  template <typename Place>
  Status value(od::value v, int depth, Place&& place) {
    od::json_type type;
    if (auto e = v.type().get(type)) return from_simdjson(e);
    switch (type) {
      case od::json_type::object:
        return object(v.get_object(), depth + 1, place(Object{}).as_object());
      case od::json_type::array:
        return array(v.get_array(), depth + 1, place(Array{}).as_array());
      case od::json_type::string: {
        std::string_view s;
        if (auto e = v.get_string().get(s)) return from_simdjson(e);
        if (s.size() > limits_.max_field_bytes) return field_too_large("a string");
        place(s);
        return {};
      }
      case od::json_type::number:
        return number(v, place);
      case od::json_type::boolean: {
        bool b;
        if (auto e = v.get_bool().get(b)) return from_simdjson(e);
        place(b);
        return {};
      }
      case od::json_type::null:
        if (!v.is_null()) return fail(RejectReason::kParseError, "invalid JSON: bad literal");
        place(nullptr);
        return {};
    }
    return fail(RejectReason::kParseError, "invalid JSON");
  }

  Status array(simdjson::simdjson_result<od::array> result, int depth, Array& out) {
    if (depth > limits_.max_depth) return too_deep();
    od::array arr;
    if (auto e = std::move(result).get(arr)) return from_simdjson(e);
    auto item = [&out](auto&& v) -> Value& {
      return out.emplace_back(std::forward<decltype(v)>(v));
    };
    for (auto element : arr) {
      od::value v;
      if (auto e = element.get(v)) return from_simdjson(e);
      if (auto status = value(v, depth, item); !status) return status;
    }
    return {};
  }

  template <typename Place>
  Status number(od::value v, Place&& place) {
    od::number n;
    if (auto e = v.get_number().get(n)) {
      // Integers beyond 64 bits: keep them exactly, as text.
      std::string digits = trim_number(v.raw_json_token());
      if (!is_integer_text(digits)) return from_simdjson(e);
      place(std::move(digits));
      return {};
    }
    switch (n.get_number_type()) {
      case od::number_type::signed_integer:
        place(n.get_int64());
        break;
      case od::number_type::unsigned_integer:
        place(n.get_uint64());
        break;
      default:
        place(n.get_double());
    }
    return {};
  }

  static bool is_integer_text(std::string_view s) {
    if (!s.empty() && s.front() == '-') s.remove_prefix(1);
    if (s.empty()) return false;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
    }
    return true;
  }
  static std::string trim_number(std::string_view raw) {
    while (!raw.empty() &&
           (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' || raw.back() == '\t' ||
            raw.back() == ',' || raw.back() == '}' || raw.back() == ']')) {
      raw.remove_suffix(1);
    }
    return std::string(raw);
  }
  tl::unexpected<ParseFailure> too_deep() const {
    return fail(RejectReason::kTooDeep, fmt::format("nesting deeper than {}", limits_.max_depth));
  }
  tl::unexpected<ParseFailure> field_too_large(const char* what) const {
    return fail(RejectReason::kFieldTooLarge,
                fmt::format("{} longer than {} bytes", what, limits_.max_field_bytes));
  }

  const ParseLimits& limits_;
};

}  // namespace

struct JsonEventParser::Simdjson {
  od::parser parser;
  simdjson::padded_string buffer;  // reused for texts without padding after them
};

JsonEventParser::JsonEventParser(ParseLimits limits)
    : limits_(limits), simdjson_(std::make_unique<Simdjson>()) {}
JsonEventParser::~JsonEventParser() = default;
JsonEventParser::JsonEventParser(JsonEventParser&&) noexcept = default;
JsonEventParser& JsonEventParser::operator=(JsonEventParser&&) noexcept = default;

tl::expected<Value, ParseFailure> JsonEventParser::parse(std::string_view text,
                                                         size_t readable_after) {
  if (text.size() > limits_.max_event_bytes) {
    return fail(RejectReason::kTooLarge,
                fmt::format("event larger than {} bytes", limits_.max_event_bytes));
  }
  // simdjson reads up to SIMDJSON_PADDING bytes past the input (what they hold
  // does not change the parse). A line of a chunk has the next lines there;
  // any other text is copied into a reused padded buffer.
  const char* input = text.data();
  size_t capacity = text.size() + readable_after;
  if (readable_after < simdjson::SIMDJSON_PADDING) {
    simdjson::padded_string& buffer = simdjson_->buffer;
    if (buffer.size() < text.size() + simdjson::SIMDJSON_PADDING) {
      buffer = simdjson::padded_string(text.size() * 2 + simdjson::SIMDJSON_PADDING);
    }
    std::memcpy(buffer.data(), text.data(), text.size());
    input = buffer.data();
    capacity = buffer.size();
  }
  od::document doc;
  if (auto e = simdjson_->parser.iterate(input, text.size(), capacity).get(doc))
    return from_simdjson(e);
  od::json_type type;
  if (auto e = doc.type().get(type)) return from_simdjson(e);
  if (type != od::json_type::object) {
    return fail(RejectReason::kNotObject, "not a JSON object");
  }
  Value out{Object{}};
  Converter conv(limits_);
  if (auto status = conv.object(doc.get_object(), 1, out.as_object()); !status) {
    return tl::unexpected<ParseFailure>(std::move(status).error());
  }
  // In bounds after the object means more tokens follow it on the line.
  if (const char* rest; !doc.current_location().get(rest)) {
    return fail(RejectReason::kParseError, "invalid JSON: trailing content after the object");
  }
  return out;
}

}  // namespace vigil
