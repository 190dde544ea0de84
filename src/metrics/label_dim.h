// One label of a metric table and the values it can take. The set is always
// bounded, so a table is a fixed array indexed by value position and the hot
// path never hashes a label.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "metrics/label_interner.h"

namespace vigil::metrics {

class LabelDim {
 public:
  // A closed set (an enum's names). Every value is rendered from the start,
  // zeros included, so rate() and absent() work before the first increment.
  static LabelDim fixed(std::string name, std::vector<std::string> values);
  // A closed but large set (HTTP status codes): values whose series are
  // all zero are left out of the exposition.
  static LabelDim sparse(std::string name, std::vector<std::string> values);
  // Values interned at run time: capacity() + 1 indices, the last being
  // "other". A value is rendered once interned (or collapsed into "other").
  // The interner must outlive the table.
  static LabelDim interned(std::string name, const LabelInterner& interner);

  const std::string& name() const { return name_; }
  size_t size() const;
  bool visible(size_t index) const;
  std::string_view value(size_t index) const;
  bool hides_zero() const { return hide_zero_; }

 private:
  LabelDim(std::string name, std::vector<std::string> values, const LabelInterner* interner,
           bool hide_zero);

  std::string name_;
  std::vector<std::string> values_;
  const LabelInterner* interner_ = nullptr;
  bool hide_zero_ = false;
};

}  // namespace vigil::metrics
