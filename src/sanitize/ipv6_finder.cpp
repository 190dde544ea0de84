// IPv6 candidates for the numeric scanner (declared in numeric_scanner.h).
#include <algorithm>

#include "core/ip_text.h"
#include "sanitize/char_class.h"
#include "sanitize/numeric_scanner.h"

namespace vigil::sanitize_detail {
namespace {

constexpr size_t kMaxIpv6Text = 45;  // INET6_ADDRSTRLEN - 1

bool ipv6_char(char c) {
  return is_hex(c) || c == ':' || c == '.';
}

bool valid_ipv6(std::string_view s) {
  if (s.size() < 2 || s.size() > kMaxIpv6Text) return false;
  if (std::count(s.begin(), s.end(), ':') < 2) return false;
  return parse_ipv6(s).has_value();
}

// [begin, end) with `\b` on both sides, then with one trailing ':' or '.' cut.
bool try_candidate(std::string_view buf, size_t begin, size_t end, std::vector<Finding>& out) {
  if (word_before(buf, begin)) return false;
  if (!word_at(buf, end) && valid_ipv6(buf.substr(begin, end - begin))) {
    out.push_back({begin, end, Pattern::kIpAddress});
    return true;
  }
  const char last = buf[end - 1];
  if ((last == ':' || last == '.') && valid_ipv6(buf.substr(begin, end - 1 - begin))) {
    out.push_back({begin, end - 1, Pattern::kIpAddress});
    return true;
  }
  return false;
}

}  // namespace

void find_ipv6(std::string_view buf, size_t colon, size_t* run_end, std::vector<Finding>& out) {
  size_t begin = colon;
  while (begin > 0 && ipv6_char(buf[begin - 1])) --begin;
  size_t end = colon;
  while (end < buf.size() && ipv6_char(buf[end])) ++end;
  *run_end = end;
  if (end - begin < 2) return;
  // Without "::" an address spells out all 8 groups: 7 colons, or 6 before an
  // embedded IPv4. Times (12:30:45) and MACs are rejected here, cheaply.
  const std::string_view run = buf.substr(begin, end - begin);
  if (run.find("::") == std::string_view::npos && std::count(run.begin(), run.end(), ':') < 6) {
    return;
  }
  for (size_t b = begin; b < end;) {
    if (end - b <= kMaxIpv6Text + 1 && try_candidate(buf, b, end, out)) return;
    const size_t next = buf.find(':', b);
    if (next == std::string_view::npos || next + 1 >= end) return;
    b = next + 1;
  }
}

}  // namespace vigil::sanitize_detail
