#include "detect/anchored_literals.h"

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

// The node for `building` (reached through its edge byte and then `label`),
// and below it, depth-first, its children with their single-child runs
// folded into their labels.
uint32_t AnchoredLiterals::emit(uint32_t building, std::string label) {
  const auto index = static_cast<uint32_t>(nodes_.size());
  nodes_.emplace_back();
  nodes_[index].label_begin = static_cast<uint32_t>(labels_.size());
  nodes_[index].label_size = static_cast<uint32_t>(label.size());
  nodes_[index].id = building_[building].id;
  labels_ += label;
  const auto& children = building_[building].children;
  const auto first_edge = static_cast<uint32_t>(edge_bytes_.size());
  nodes_[index].first_edge = first_edge;
  nodes_[index].edge_count = static_cast<uint32_t>(children.size());
  edge_bytes_.resize(first_edge + children.size());
  edge_targets_.resize(first_edge + children.size());
  uint32_t e = first_edge;
  for (const auto& [byte, target] : children) {  // std::map: sorted by byte
    uint32_t end = target;
    std::string run;
    while (building_[end].id == kNone && building_[end].children.size() == 1) {
      const auto& only = *building_[end].children.begin();
      run += static_cast<char>(only.first);
      end = only.second;
    }
    edge_bytes_[e] = byte;
    const uint32_t child = emit(end, std::move(run));
    edge_targets_[e++] = child;
  }
  return index;
}

void AnchoredLiterals::footprint(std::vector<const void*>& out) const {
  if (empty()) return;
  add_footprint(nodes_.data(), sizeof(Node), out);
  add_footprint(edge_bytes_.data(), nodes_[0].edge_count, out);
}

void AnchoredLiterals::heap_blocks(std::vector<HeapBlock>& out) const {
  out.push_back({nodes_.data(), nodes_.size() * sizeof(Node)});
  out.push_back({edge_bytes_.data(), edge_bytes_.size()});
  out.push_back({edge_targets_.data(), edge_targets_.size() * sizeof(uint32_t)});
  out.push_back({labels_.data(), labels_.size()});
}

void AnchoredLiterals::freeze() {
  nodes_.clear();
  edge_bytes_.clear();
  edge_targets_.clear();
  labels_.clear();
  emit(0, {});
  building_.clear();
  building_.shrink_to_fit();
}

}  // namespace vigil::sigma
