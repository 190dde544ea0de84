// Linux audit records as auditd writes them (`type=SYSCALL msg=audit(
// 1604994496.155:92733): key=value ...`), also behind a syslog header.
#pragma once

#include <optional>
#include <string_view>

#include "core/timestamp.h"
#include "ingest/decoders/record.h"

namespace vigil::decode {

// Fills doc; nullopt when the line is not an audit record.
std::optional<Timestamp> parse_audit_record(std::string_view line, DocBuilder& doc);

// key=value pairs separated by `pair_sep`; values may be "double quoted".
// Calls fn(key, value) for each.
template <typename Fn>
void for_each_pair(std::string_view s, std::string_view pair_sep, std::string_view kv_sep,
                   Fn&& fn) {
  size_t pos = 0;
  while (pos < s.size()) {
    while (pos < s.size() && s.substr(pos, pair_sep.size()) == pair_sep) pos += pair_sep.size();
    const size_t eq = s.find(kv_sep, pos);
    if (eq == std::string_view::npos) break;
    const std::string_view key = s.substr(pos, eq - pos);
    size_t vstart = eq + kv_sep.size();
    size_t vend;
    std::string_view value;
    if (vstart < s.size() && (s[vstart] == '"' || s[vstart] == '\'')) {
      const size_t close = s.find(s[vstart], vstart + 1);
      vend = close == std::string_view::npos ? s.size() : close + 1;
      value =
          s.substr(vstart + 1, (close == std::string_view::npos ? s.size() : close) - vstart - 1);
    } else {
      vend = s.find(pair_sep, vstart);
      if (vend == std::string_view::npos) vend = s.size();
      value = s.substr(vstart, vend - vstart);
    }
    if (key.find(pair_sep) == std::string_view::npos && !key.empty()) fn(key, value);
    pos = vend;
  }
}

}  // namespace vigil::decode
