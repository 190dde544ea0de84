#include "detect/anchored_literals.h"

namespace vigil::sigma {

void AnchoredLiterals::add(std::string_view literal, uint32_t id) {
  if (literal.empty()) return;
  building_.resize(nodes_.size());
  uint32_t node = 0;
  const size_t n = literal.size();
  for (size_t i = 0; i < n; ++i) {
    const auto c =
        static_cast<unsigned char>(anchor_ == Anchor::kStart ? literal[i] : literal[n - 1 - i]);
    const auto [it, added] = building_[node].emplace(c, static_cast<uint32_t>(nodes_.size()));
    const uint32_t next = it->second;
    if (added) {
      nodes_.emplace_back();
      building_.emplace_back();
    }
    node = next;
  }
  if (nodes_[node].id == kNone) ++literals_;
  nodes_[node].id = id;
}

void AnchoredLiterals::freeze() {
  building_.resize(nodes_.size());
  edge_bytes_.clear();
  edge_targets_.clear();
  for (size_t i = 0; i < nodes_.size(); ++i) {
    nodes_[i].first_edge = static_cast<uint32_t>(edge_bytes_.size());
    nodes_[i].edge_count = static_cast<uint32_t>(building_[i].size());
    for (const auto& [byte, target] : building_[i]) {  // std::map: sorted by byte
      edge_bytes_.push_back(byte);
      edge_targets_.push_back(target);
    }
  }
  building_.clear();
  building_.shrink_to_fit();
}

}  // namespace vigil::sigma
