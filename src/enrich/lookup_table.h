// A CSV lookup table (user -> department, host -> criticality): when the
// event's match field equals a row's key, the row's other columns are added
// at the target path. Loaded whole at start-up; a broken table is refused
// with file:line, never half-loaded.
#pragma once

#include <string>
#include <unordered_map>

#include "config/config.h"
#include "core/error.h"
#include "core/field_path.h"
#include "core/value.h"

namespace vigil {

class LookupTable {
 public:
  // The header row names the columns; `key_column` must be one of them.
  // Refused: a missing file, no header, an empty or duplicate column name,
  // a row with a different number of fields than the header, a repeated
  // key, invalid UTF-8, malformed quoting. Empty cells are left out of the
  // added object; values stay strings (no guessing "007" is a number).
  static Result<LookupTable> load(const LookupTableConfig& config);

  // Exact, case-sensitive match of the match field (a string, or an integer
  // compared in decimal). The row's columns are set inside the object at the
  // target (created when absent, other members kept); a target that holds a
  // non-object is left alone.
  void apply(Value& doc) const;

  const std::string& name() const { return name_; }
  size_t size() const { return rows_.size(); }

 private:
  std::string name_;
  FieldPath match_;
  FieldPath target_;
  std::unordered_map<std::string, Object> rows_;
};

}  // namespace vigil
