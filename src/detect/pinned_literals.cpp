#include "detect/pinned_literals.h"

#include <algorithm>

namespace vigil::sigma {

bool PinnedLiterals::add_shape(std::vector<Shape>& shapes, std::string_view literal) {
  const Shape shape{literal.find(kPin), literal.size()};
  if (shape.pin == std::string_view::npos) return false;
  if (std::find(shapes.begin(), shapes.end(), shape) == shapes.end()) shapes.push_back(shape);
  return true;
}

bool PinnedLiterals::can_hold(const std::vector<std::string_view>& literals) {
  std::vector<Shape> shapes;
  for (std::string_view literal : literals) {
    if (!add_shape(shapes, literal)) return false;
  }
  return shapes.size() <= kMaxShapes;
}

void PinnedLiterals::add(std::string_view literal, uint32_t id) {
  if (add_shape(shapes_, literal)) literals_.insert(0, literal, id);
}

}  // namespace vigil::sigma
