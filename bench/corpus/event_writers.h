// Render a SyntheticEvent as one JSON object (no trailing newline): the
// seed's flat schema, or Elastic Common Schema nesting.
#pragma once

#include <string>

#include "corpus/clock.h"
#include "corpus/synthetic_event.h"

namespace vigil::bench {

// {"timestamp":..., "event_type":..., "user_id":..., "ip_address":..., ...}
void write_flat(const SyntheticEvent& ev, TimestampFormatter& ts, std::string& out);
// {"@timestamp":..., "event":{"category":[...],...}, "user":{...}, "source":{...}, ...}
void write_ecs(const SyntheticEvent& ev, TimestampFormatter& ts, std::string& out);

}  // namespace vigil::bench
