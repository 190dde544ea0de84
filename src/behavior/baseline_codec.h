// EntityBaseline <-> the JSON kept in behavior.db, and the view the entity
// API shows. Neither holds a raw identifier: resources and device ids are
// hashes, places are countries, cities, AS and /24 or /48 networks.
#pragma once

#include <string>

#include "behavior/entity_baseline.h"
#include "core/error.h"
#include "core/value.h"

namespace vigil::behavior {

std::string encode_baseline(const EntityBaseline& b);
// kInvalidInput when the text is not a baseline this version wrote.
Result<EntityBaseline> decode_baseline(std::string_view json);

// What GET /api/v1/entities/{type}/{id} shows (unsanitized: the caller
// sanitizes it like every reply).
Value baseline_view(const EntityBaseline& b, bool learned);

}  // namespace vigil::behavior
