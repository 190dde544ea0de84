#include "anomaly/explanation.h"

#include <fmt/format.h>

namespace vigil::anomaly {

std::string describe(const Explanation& e, std::span<const float> row,
                     std::span<const std::string> names, size_t top) {
  std::string text = fmt::format("isolated in {:.1f} splits (typical {:.1f})",
                                 e.expected_path_length, e.average_path_length);
  const double total = e.total_shortfall();
  size_t shown = 0;
  for (const auto& c : e.contributions) {
    if (shown == top || c.shortfall <= 0.0 || total <= 0.0) break;
    const std::string name =
        c.feature < names.size() ? names[c.feature] : fmt::format("f{}", c.feature);
    text += fmt::format("{} {}={:.4g} ({:.0f}%)", shown == 0 ? ":" : ",", name, row[c.feature],
                        100.0 * c.shortfall / total);
    ++shown;
  }
  return text;
}

}  // namespace vigil::anomaly
