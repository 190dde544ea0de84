// How the columns of a CSV feed map onto indicator fields, by header name,
// and the presets for the feeds people actually load (abuse.ch, PhishTank).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "intel/indicator.h"

namespace vigil::intel {

struct CsvValueColumn {
  std::string name;
  std::optional<IndicatorType> type;  // nullopt: from type_column, else inferred
};

struct CsvColumns {
  std::vector<CsvValueColumn> values;  // each non-empty cell is one indicator
  std::string type_column;             // e.g. ThreatFox ioc_type ("ip:port", "md5_hash", ...)
  std::string first_seen, last_seen, confidence, reference, description;
  std::vector<std::string> tag_columns;  // cells may hold comma lists
  // For files whose header is neither a line nor a comment: the column names.
  std::vector<std::string> header;
};

// "feodo", "urlhaus", "threatfox", "malwarebazaar", "phishtank".
std::optional<CsvColumns> csv_preset(std::string_view name);

}  // namespace vigil::intel
