// Whose behaviour vigil follows (`behavior.entity`) and where an event names
// it. The behaviour detector learns per entity, and the pipeline routes each
// entity's events to one detect lane, so both must read the same field.
#pragma once

#include <string_view>

#include "core/event.h"

namespace vigil::canonical {

// "user" (default), "host" or "source_ip" → the canonical field.
inline const char* entity_path(std::string_view kind) {
  if (kind == "host") return kHost;
  if (kind == "source_ip") return kSourceIp;
  return kUser;
}

}  // namespace vigil::canonical
