// Gives every event the canonical (ECS) fields later stages read, copied from
// whichever alias the source used (the seed's `user_id`, ECS `user.name`, ...).
// The original fields stay in the document untouched.
#pragma once

#include <utility>
#include <vector>

#include "config/config.h"
#include "core/event.h"
#include "core/field_path.h"

namespace vigil {

class Normalizer {
 public:
  explicit Normalizer(const NormalizeConfig& config);

  // Adds each missing canonical field from the first alias present, then
  // `@timestamp` (RFC 3339, UTC) from the event time.
  void normalize(Event& event) const;

 private:
  struct Alias {
    FieldPath canonical;
    std::vector<FieldPath> sources;
  };
  std::vector<Alias> aliases_;
};

}  // namespace vigil
