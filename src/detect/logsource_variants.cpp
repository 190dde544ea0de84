// FieldMapping: from a rule's logsource to the variants that recognize it.
#include "detect/field_mapping.h"
#include "detect/text_fold.h"

namespace vigil::sigma {

bool FieldMapping::product_matches(const std::string& entry_product,
                                   const std::string& rule_product) const {
  return entry_product.empty() || rule_product.empty() || entry_product == rule_product;
}

std::vector<std::string> FieldMapping::channels_of_service(const std::string& service) const {
  std::vector<std::string> out;
  for (const auto& e : entries_) {
    if (e.category.empty() && e.service == service) {
      out.insert(out.end(), e.channels.begin(), e.channels.end());
    }
  }
  return out;
}

int FieldMapping::add_variant(LogsourceVariant v) {
  const auto it = variant_ids_.find(v.key);
  if (it != variant_ids_.end()) return it->second;
  const int id = static_cast<int>(variants_.size());
  variant_ids_.emplace(v.key, id);
  variants_.push_back(std::move(v));
  return id;
}

// category -> the table's rows for it (EventID conditions, the service whose
// channels it lives in, field renames); service -> its channels; a product
// alone -> every event of the mapping. Anything else cannot be recognized.
std::vector<int> FieldMapping::variants_for(const Logsource& ls) {
  if (!ls.product.empty() && !product_.empty() && ls.product != product_) return {};
  std::vector<int> out;
  if (!ls.category.empty()) {
    for (const auto& e : entries_) {
      if (e.category != ls.category || !product_matches(e.product, ls.product)) continue;
      const std::string service = ls.service.empty() ? e.rewrite_service : ls.service;
      LogsourceVariant v;
      v.key = "category:" + e.name + ":" + service;
      v.channels = service.empty() ? e.channels : channels_of_service(service);
      if (!service.empty() && v.channels.empty()) continue;
      // A row with neither channels nor conditions (a `File:` source) cannot
      // be recognized in an event; it must not match everything.
      if (v.channels.empty() && e.conditions.empty()) continue;
      for (const auto& [field, values] : e.conditions) {
        std::vector<std::string> folded;
        for (const auto& value : values) folded.push_back(fold_case(value));
        v.conditions.emplace_back(intern(field), std::move(folded));
      }
      v.renames = e.renames;
      out.push_back(add_variant(std::move(v)));
    }
    return out;
  }
  if (!ls.service.empty()) {
    auto channels = channels_of_service(ls.service);
    if (channels.empty()) return {};
    return {add_variant(LogsourceVariant{"service:" + ls.service, std::move(channels), {}, {}})};
  }
  if (ls.product.empty() && !product_.empty()) return {};
  return {add_variant(LogsourceVariant{"product:" + ls.product, {}, {}, {}})};
}

}  // namespace vigil::sigma
