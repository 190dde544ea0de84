#include "intel/feed_values.h"

#include <algorithm>

#include "core/strings.h"

namespace vigil::intel {

bool is_null_cell(std::string_view v) {
  return v.empty() || v == "None" || v == "null" || v == "N/A" || v == "n/a";
}

TypeHint parse_feed_type(std::string_view name) {
  std::string t = ascii_lower(trim(name));
  if (t == "ip:port") return {std::nullopt, true};
  if (t == "ip" || t == "ip_address") return {std::nullopt, false};
  if (t.ends_with("_hash")) t.resize(t.size() - 5);
  if (t == "hostname") t = "domain";
  return {parse_indicator_type(t), false};
}

std::string_view strip_port(std::string_view v) {
  if (v.starts_with('[')) {
    const size_t close = v.find(']');
    return close == std::string_view::npos ? v : v.substr(1, close - 1);
  }
  const size_t colon = v.rfind(':');
  return colon == std::string_view::npos ? v : v.substr(0, colon);
}

void add_feed_tags(std::string_view cell, std::vector<std::string>& tags) {
  while (!cell.empty()) {
    const size_t comma = cell.find(',');
    const std::string_view tag = trim(cell.substr(0, comma));
    if (!is_null_cell(tag) && std::find(tags.begin(), tags.end(), tag) == tags.end()) {
      tags.emplace_back(tag);
    }
    if (comma == std::string_view::npos) break;
    cell.remove_prefix(comma + 1);
  }
}

}  // namespace vigil::intel
