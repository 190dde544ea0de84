#include "detect/event_file.h"

#include <simdjson.h>

#include <fstream>
#include <sstream>

namespace vigil::sigma {
namespace {

Value to_value(simdjson::dom::element e) {
  using T = simdjson::dom::element_type;
  switch (e.type()) {
    case T::OBJECT: {
      Object o;
      for (auto [k, v] : e.get_object()) o.emplace_back(std::string(k), to_value(v));
      return Value(std::move(o));
    }
    case T::ARRAY: {
      Array a;
      for (auto v : e.get_array()) a.push_back(to_value(v));
      return Value(std::move(a));
    }
    case T::STRING:
      return Value(std::string_view(e.get_string().value()));
    case T::INT64:
      return Value(e.get_int64().value());
    case T::UINT64:
      return Value(e.get_uint64().value());
    case T::DOUBLE:
      return Value(e.get_double().value());
    case T::BOOL:
      return Value(e.get_bool().value());
    case T::NULL_VALUE:
      break;
  }
  return Value();
}

// Splits text into its top-level JSON values by bracket depth (strings and
// escapes respected), so objects spanning many lines need no separator.
Result<std::vector<std::string_view>> split_documents(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = std::string_view::npos;
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (depth++ == 0) start = i;
    } else if (c == '}' || c == ']') {
      if (--depth < 0) return make_error(ErrorCode::kInvalidInput, "unbalanced JSON brackets");
      if (depth == 0) out.push_back(text.substr(start, i + 1 - start));
    } else if (depth == 0 && c != ' ' && c != '\n' && c != '\r' && c != '\t') {
      return make_error(ErrorCode::kInvalidInput,
                        "text outside a JSON object at byte " + std::to_string(i));
    }
  }
  if (depth != 0 || in_string) return make_error(ErrorCode::kInvalidInput, "truncated JSON");
  return out;
}

}  // namespace

Result<std::vector<Value>> parse_events(std::string_view text) {
  auto docs = split_documents(text);
  if (!docs) return tl::unexpected(docs.error());
  simdjson::dom::parser parser;
  std::vector<Value> events;
  for (size_t n = 0; n < docs->size(); ++n) {
    simdjson::dom::element root;
    const simdjson::padded_string padded((*docs)[n]);
    if (auto err = parser.parse(padded).get(root)) {
      return make_error(ErrorCode::kInvalidInput, "JSON document " + std::to_string(n + 1) + ": " +
                                                      simdjson::error_message(err));
    }
    Value v = to_value(root);
    if (v.is_array()) {
      for (auto& item : v.as_array()) events.push_back(std::move(item));
    } else {
      events.push_back(std::move(v));
    }
  }
  for (size_t i = 0; i < events.size(); ++i) {
    if (!events[i].is_object()) {
      return make_error(ErrorCode::kInvalidInput,
                        "event " + std::to_string(i + 1) + " is not an object");
    }
  }
  return events;
}

Result<std::vector<Value>> read_events(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(ErrorCode::kIo, file.string() + ": cannot read");
  std::stringstream text;
  text << in.rdbuf();
  auto events = parse_events(text.str());
  if (!events)
    return make_error(events.error().code, file.string() + ": " + events.error().message);
  return events;
}

}  // namespace vigil::sigma
