// Cell-level helpers shared by the CSV and JSON API readers: feeds write
// "None" for empty, name types their own way ("ip:port", "md5_hash") and put
// ports after IPs.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "intel/indicator.h"

namespace vigil::intel {

// "", "None", "null", "N/A", "n/a".
bool is_null_cell(std::string_view v);

// A feed's type name: vigil's names plus ThreatFox's ("ip:port", "md5_hash", ...),
// "ip", "ip_address", "hostname". type nullopt: infer from the value.
struct TypeHint {
  std::optional<IndicatorType> type;
  bool strip_port = false;
};
TypeHint parse_feed_type(std::string_view name);

// "1.2.3.4:443" -> "1.2.3.4", "2a02:cf40:1::5:40669" (IPv6 with a port: the
// last colon), "[2001:db8::1]:80".
std::string_view strip_port(std::string_view v);

// Adds each tag of a comma list not yet in `tags`.
void add_feed_tags(std::string_view cell, std::vector<std::string>& tags);

}  // namespace vigil::intel
