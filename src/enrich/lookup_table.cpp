#include "enrich/lookup_table.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/strings.h"
#include "enrich/csv_reader.h"

namespace vigil {
namespace {

Result<std::string> read_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return make_error(ErrorCode::kIo,
                      fmt::format("{}: no such file (or not a regular file)", path));
  }
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof())
    return make_error(ErrorCode::kIo, fmt::format("{}: read failed", path));
  return text;
}

Result<void> check_config(const LookupTableConfig& c) {
  const std::pair<const char*, const std::string*> required[] = {{"name", &c.name},
                                                                 {"file", &c.file},
                                                                 {"key_column", &c.key_column},
                                                                 {"match_field", &c.match_field},
                                                                 {"target", &c.target}};
  for (const auto& [key, value] : required) {
    if (value->empty()) {
      return make_error(ErrorCode::kConfig,
                        fmt::format("enrich.lookups '{}': '{}' is required", c.name, key));
    }
  }
  return {};
}

}  // namespace

Result<LookupTable> LookupTable::load(const LookupTableConfig& config) {
  if (auto ok = check_config(config); !ok) return tl::unexpected(ok.error());
  auto text = read_file(config.file);
  if (!text) return tl::unexpected(text.error());
  const std::string& file = config.file;
  auto fail = [&](size_t line, std::string_view what) {
    return make_error(ErrorCode::kInvalidInput, fmt::format("{}:{}: {}", file, line, what));
  };

  CsvReader reader(*text, file);
  CsvRecord header;
  auto got = reader.next(header);
  if (!got) return tl::unexpected(got.error());
  if (!*got) return fail(1, "empty file: a header row naming the columns is required");
  size_t key_index = header.fields.size();
  for (size_t i = 0; i < header.fields.size(); ++i) {
    const std::string& col = header.fields[i];
    if (col.empty()) return fail(header.line, fmt::format("column {} has no name", i + 1));
    if (!valid_utf8(col)) return fail(header.line, "column name is not valid UTF-8");
    for (size_t j = 0; j < i; ++j) {
      if (header.fields[j] == col)
        return fail(header.line, fmt::format("duplicate column '{}'", col));
    }
    if (col == config.key_column) key_index = i;
  }
  if (key_index == header.fields.size()) {
    return make_error(ErrorCode::kConfig,
                      fmt::format("{}: key column '{}' is not in the header ({})", file,
                                  config.key_column, fmt::join(header.fields, ", ")));
  }

  LookupTable table;
  table.name_ = config.name;
  table.match_ = FieldPath(config.match_field);
  table.target_ = FieldPath(config.target);
  std::unordered_map<std::string, size_t> first_line;
  CsvRecord row;
  for (;;) {
    got = reader.next(row);
    if (!got) return tl::unexpected(got.error());
    if (!*got) break;
    if (row.fields.size() != header.fields.size()) {
      return fail(row.line, fmt::format("{} fields, but the header has {}", row.fields.size(),
                                        header.fields.size()));
    }
    Object columns;
    for (size_t i = 0; i < row.fields.size(); ++i) {
      if (!valid_utf8(row.fields[i])) return fail(row.line, "field is not valid UTF-8");
      if (i == key_index || row.fields[i].empty()) continue;
      columns.emplace_back(header.fields[i], std::move(row.fields[i]));
    }
    std::string& key = row.fields[key_index];
    if (key.empty()) continue;  // nothing in an event matches an empty key
    if (auto [it, fresh] = first_line.emplace(key, row.line); !fresh) {
      return fail(row.line, fmt::format("key '{}' repeats the row on line {}", key, it->second));
    }
    table.rows_.emplace(std::move(key), std::move(columns));
  }
  return table;
}

void LookupTable::apply(Value& doc) const {
  const Value* v = match_.find(doc);
  if (v == nullptr) return;
  std::string number;
  const std::string* key = nullptr;
  if (v->is_string()) {
    key = &v->as_string();
  } else if (v->kind() == Value::Kind::kInt || v->kind() == Value::Kind::kUint) {
    number =
        v->kind() == Value::Kind::kInt ? std::to_string(v->as_int()) : std::to_string(v->as_uint());
    key = &number;
  } else {
    return;
  }
  auto it = rows_.find(*key);
  if (it == rows_.end() || it->second.empty()) return;
  Value* target = nullptr;
  if (const Value* found = target_.find(doc)) {
    if (!found->is_object()) return;
    target = const_cast<Value*>(found);  // find() is const-only; `doc` is ours
  } else {
    target = &target_.set(doc, Object{});
  }
  for (const auto& [column, value] : it->second) target->set(column, value);
}

}  // namespace vigil
