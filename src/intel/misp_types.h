// MISP attribute types as vigil indicator types. Composite types
// ("filename|md5", "domain|ip", "ip-dst|port") carry the indicator in one or
// both halves.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "intel/indicator.h"

namespace vigil::intel {

struct MispPart {
  std::string value;
  std::optional<IndicatorType> type;  // nullopt: infer (IP or CIDR)
};

// The indicator parts of one attribute; empty when the type is not one vigil
// matches (filename, mime-type, regkey, ...).
std::vector<MispPart> misp_indicator_parts(std::string_view misp_type, std::string_view value);

}  // namespace vigil::intel
