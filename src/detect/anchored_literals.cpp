#include "detect/anchored_literals.h"

#include <cstring>

#include "detect/rule.h"

namespace vigil::sigma {

void AnchoredLiterals::add(std::string_view literal, uint32_t id) {
  if (literal.empty()) return;
  uint32_t node = 0;
  const size_t n = literal.size();
  for (size_t i = 0; i < n; ++i) {
    const auto c =
        static_cast<unsigned char>(anchor_ == Anchor::kStart ? literal[i] : literal[n - 1 - i]);
    const auto next = static_cast<uint32_t>(building_.size());
    const auto [it, added] = building_[node].children.emplace(c, next);
    const uint32_t child = it->second;
    if (added) building_.emplace_back();
    node = child;
  }
  if (building_[node].id == kNone) ++literals_;
  building_[node].id = id;
}

// The record of `building` (reached through its edge byte and then
// `label`), and below it, depth-first, its children's with their
// single-child runs folded into their labels. Returns its offset.
uint32_t AnchoredLiterals::emit(uint32_t building, const std::string& label) {
  const auto& children = building_[building].children;
  const auto node = static_cast<uint32_t>(records_.size());
  const auto edges = static_cast<uint32_t>(children.size());
  const uint32_t targets = node + kHeaderWords + words_for(label.size() + edges);
  records_.resize(targets + edges, 0);
  records_[node + kId] = building_[building].id;
  records_[node + kLabelSize] = static_cast<uint32_t>(label.size());
  records_[node + kEdgeCount] = edges;
  std::string bytes = label;
  for (const auto& child : children) bytes += static_cast<char>(child.first);  // sorted (std::map)
  std::memcpy(records_.data() + node + kHeaderWords, bytes.data(), bytes.size());
  uint32_t e = 0;
  for (const auto& [byte, target] : children) {
    uint32_t end = target;
    std::string run;
    while (building_[end].id == kNone && building_[end].children.size() == 1) {
      const auto& only = *building_[end].children.begin();
      run += static_cast<char>(only.first);
      end = only.second;
    }
    const uint32_t child = emit(end, run);  // grows records_: index, never point
    records_[targets + e++] = child;
  }
  return node;
}

// The root's header and edge bytes (its label is empty).
void AnchoredLiterals::footprint(std::vector<const void*>& out) const {
  if (empty()) return;
  add_footprint(records_.data(), kHeaderWords * sizeof(uint32_t) + records_[kEdgeCount], out);
}

void AnchoredLiterals::heap_blocks(std::vector<HeapBlock>& out) const {
  out.push_back({records_.data(), records_.size() * sizeof(uint32_t)});
}

void AnchoredLiterals::freeze() {
  records_.clear();
  emit(0, {});
  records_.shrink_to_fit();
  building_.clear();
  building_.shrink_to_fit();
}

}  // namespace vigil::sigma
