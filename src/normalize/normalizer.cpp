#include "normalize/normalizer.h"

#include "core/timestamp.h"

namespace vigil {

Normalizer::Normalizer(const NormalizeConfig& config) {
  for (const auto& [canonical, sources] : config.aliases) {
    Alias a{FieldPath(canonical), {}};
    for (const auto& s : sources) a.sources.emplace_back(s);
    aliases_.push_back(std::move(a));
  }
}

void Normalizer::normalize(Event& event) const {
  for (const auto& alias : aliases_) {
    if (alias.canonical.find(event.doc) != nullptr) continue;
    for (const auto& source : alias.sources) {
      const Value* v = source.find(event.doc);
      // Objects are not a value a canonical scalar field can take ("user": {...}).
      if (v == nullptr || v->is_null() || v->is_object()) continue;
      Value copy = *v;
      alias.canonical.set(event.doc, std::move(copy));
      break;
    }
  }
  event.doc.set("@timestamp", format_rfc3339(event.time));
}

}  // namespace vigil
