// A dotted field path ("user.name", "Event.EventData.CommandLine") split once,
// so lookups on the hot path never re-split strings.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/value.h"

namespace vigil {

class FieldPath {
 public:
  FieldPath() = default;
  explicit FieldPath(std::string_view dotted);

  const std::string& str() const { return dotted_; }
  bool empty() const { return segments_.empty(); }
  const std::vector<std::string>& segments() const { return segments_; }

  // Resolves the path in a document. A flat key containing the whole dotted
  // path ("user.name": ...) is honoured too, because shippers send both forms.
  const Value* find(const Value& doc) const;
  // Creates intermediate objects as needed and replaces an existing leaf. When
  // a scalar blocks the way, the value goes under the flat dotted key instead.
  Value& set(Value& doc, Value v) const;

 private:
  std::string dotted_;
  std::vector<std::string> segments_;
};

}  // namespace vigil
