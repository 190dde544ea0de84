#include "metrics/label_dim.h"

#include <set>
#include <stdexcept>

#include "metrics/exposition.h"

namespace vigil::metrics {

LabelDim::LabelDim(std::string name, std::vector<std::string> values, const LabelInterner* interner,
                   bool hide_zero)
    : name_(std::move(name)),
      values_(std::move(values)),
      interner_(interner),
      hide_zero_(hide_zero) {
  if (!valid_label_name(name_)) throw std::invalid_argument("invalid label name: " + name_);
  if (name_ == "le" || name_ == "quantile") {
    throw std::invalid_argument("label name reserved for histograms and summaries: " + name_);
  }
  // Two equal values would render two identical series, which Prometheus rejects.
  const std::set<std::string_view> distinct(values_.begin(), values_.end());
  if (distinct.size() != values_.size()) {
    throw std::invalid_argument("duplicate value for label " + name_);
  }
}

LabelDim LabelDim::fixed(std::string name, std::vector<std::string> values) {
  return LabelDim(std::move(name), std::move(values), nullptr, false);
}

LabelDim LabelDim::sparse(std::string name, std::vector<std::string> values) {
  return LabelDim(std::move(name), std::move(values), nullptr, true);
}

LabelDim LabelDim::interned(std::string name, const LabelInterner& interner) {
  return LabelDim(std::move(name), {}, &interner, false);
}

size_t LabelDim::size() const {
  return interner_ ? interner_->capacity() + 1 : values_.size();
}

bool LabelDim::visible(size_t index) const {
  if (!interner_) return index < values_.size();
  if (index == interner_->overflow_index()) return interner_->overflow_used();
  return index < interner_->size();
}

std::string_view LabelDim::value(size_t index) const {
  if (!interner_) return values_[index];
  return interner_->value(static_cast<uint32_t>(index));
}

}  // namespace vigil::metrics
