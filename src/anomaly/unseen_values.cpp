#include "anomaly/unseen_values.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace vigil::anomaly {

UnseenValues UnseenValues::of_training_rows(const FeatureMatrix& x) {
  UnseenValues u;
  u.n_features_ = x.cols;
  if (x.rows == 0) return u;
  for (size_t f = 0; f < x.cols; ++f) {
    const float first = x.row_data(0)[f];
    bool constant = true;
    for (size_t r = 1; r < x.rows && constant; ++r) constant = x.row_data(r)[f] == first;
    if (constant) u.held_.push_back({static_cast<uint32_t>(f), first});
  }
  return u;
}

Result<UnseenValues> UnseenValues::from_held(std::vector<Held> held, size_t n_features) {
  std::vector<bool> seen(n_features, false);
  for (const Held& h : held) {
    if (h.feature >= n_features)
      return make_error(
          ErrorCode::kInvalidInput,
          fmt::format("held feature {} out of range (forest has {})", h.feature, n_features));
    if (seen[h.feature])
      return make_error(ErrorCode::kInvalidInput,
                        fmt::format("held feature {} listed twice", h.feature));
    seen[h.feature] = true;
  }
  UnseenValues u;
  u.held_ = std::move(held);
  u.n_features_ = n_features;
  return u;
}

void UnseenValues::unseen_in(std::span<const float> row, std::vector<uint32_t>& out) const {
  for (const Held& h : held_)
    if (h.feature < row.size() && row[h.feature] != h.value) out.push_back(h.feature);
}

double UnseenValues::split_off_chance(size_t k) const {
  if (k == 0) return 0.0;
  const size_t varying = n_features_ - std::min(n_features_, held_.size());
  return static_cast<double>(k) / static_cast<double>(varying + k);
}

std::string UnseenValues::to_text() const {
  std::string text;
  for (const Held& h : held_) {
    if (!text.empty()) text += ',';
    text += fmt::format("{}:{}", h.feature, h.value);  // shortest text that reads back the same
  }
  return text;
}

Result<UnseenValues> UnseenValues::from_text(std::string_view text, size_t n_features) {
  std::vector<Held> held;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    const size_t colon = item.find(':');
    Held h;
    const char* end = item.data() + item.size();
    const auto f =
        std::from_chars(item.data(), item.data() + std::min(colon, item.size()), h.feature);
    const bool feature_ok =
        colon != std::string_view::npos && f.ec == std::errc() && f.ptr == item.data() + colon;
    const auto v = feature_ok ? std::from_chars(f.ptr + 1, end, h.value)
                              : std::from_chars_result{end, std::errc::invalid_argument};
    if (!feature_ok || v.ec != std::errc() || v.ptr != end)
      return make_error(ErrorCode::kInvalidInput,
                        fmt::format("held feature '{}' is not FEATURE:VALUE", item));
    held.push_back(h);
  }
  return from_held(std::move(held), n_features);
}

}  // namespace vigil::anomaly
