#include "intel/csv_columns.h"

namespace vigil::intel {

std::optional<CsvColumns> csv_preset(std::string_view name) {
  CsvColumns c;
  if (name == "feodo") {
    c.values = {{"dst_ip", IndicatorType::kIpv4}};
    c.first_seen = "first_seen_utc";
    c.last_seen = "last_online";
    c.tag_columns = {"malware"};
  } else if (name == "urlhaus") {
    c.values = {{"url", IndicatorType::kUrl}};
    c.first_seen = "dateadded";
    c.last_seen = "last_online";
    c.reference = "urlhaus_link";
    c.tag_columns = {"threat", "tags"};
  } else if (name == "threatfox") {
    c.values = {{"ioc_value", std::nullopt}};
    c.type_column = "ioc_type";
    c.first_seen = "first_seen_utc";
    c.last_seen = "last_seen_utc";
    c.confidence = "confidence_level";
    c.reference = "reference";
    c.description = "malware_printable";
    c.tag_columns = {"threat_type", "malware_printable", "tags"};
  } else if (name == "malwarebazaar") {
    c.values = {{"sha256_hash", IndicatorType::kSha256},
                {"md5_hash", IndicatorType::kMd5},
                {"sha1_hash", IndicatorType::kSha1}};
    c.first_seen = "first_seen_utc";
    c.description = "file_name";
    c.tag_columns = {"signature"};
  } else if (name == "phishtank") {
    c.values = {{"url", IndicatorType::kUrl}};
    c.first_seen = "submission_time";
    c.last_seen = "verification_time";
    c.reference = "phish_detail_url";
    c.tag_columns = {"target"};
  } else {
    return std::nullopt;
  }
  return c;
}

}  // namespace vigil::intel
