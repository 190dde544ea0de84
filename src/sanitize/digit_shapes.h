// Digit-shaped patterns over one run of digit groups ("4111 1111 1111 1111",
// "203.0.113.77", "123-45-6789"): the run is cut into groups at single
// separators, and each pattern is a condition on consecutive groups. Word
// boundaries follow the regexes they replace (`\b\d{3}-\d{2}-\d{4}\b`, ...).
#pragma once

#include <string_view>
#include <vector>

#include "sanitize/pattern.h"

namespace vigil::sanitize_detail {

inline constexpr size_t kMinCardDigits = 13;

struct DigitGroup {
  size_t begin;
  size_t end;
  char separator;  // ' ', '-' or '.' before the next group; 0 for the last
};

struct DigitRun {
  std::string_view text;  // the whole buffer; groups index into it
  const std::vector<DigitGroup>& groups;
  bool left_boundary;   // no word character before the first group
  bool right_boundary;  // no word character after the last group
};

// ddd-dd-dddd. Any SSN-shaped number is redacted (no area/group checks):
// unassigned ranges are ITINs or test data, neither of which belongs in logs.
void find_ssns(const DigitRun& run, std::vector<Finding>& out);
// Exactly four dot-joined groups, each 0..255. Longer dotted runs (OIDs,
// version numbers like 1.2.3.4.5) are not addresses.
void find_ipv4s(const DigitRun& run, std::vector<Finding>& out);
// 13-19 digits in groups joined by ' ' or '-', Luhn-valid, first digit 2-9.
// Leading 0/1 is excluded because epoch timestamps in
// ms/us/ns start with 1 and one in ten would pass the Luhn check.
void find_cards(const DigitRun& run, std::vector<Finding>& out);

// Exactly an RFC 3339 date-time (dddd-dd-ddTdd:dd:dd, optional .fraction of 1-9
// digits, then Z or +hh:mm / -hh:mm), by shape only. No pattern can match inside
// one: its digit groups are 4-2-2 and 2:2:2 (no SSN, card or dotted quad), three
// colon-joined groups and no "::" (no IPv6 address), no letters but T and Z. Every
// event carries one or two (its own and the normalizer's @timestamp), each unique.
// Every string value of an event is asked: most are turned away inline, by their
// length or two bytes, without a call.
constexpr size_t kShortestTimestamp = 20;    // "dddd-dd-ddTdd:dd:ddZ"
bool is_timestamp_rest(std::string_view s);  // the whole test, called after those
inline bool is_timestamp_text(std::string_view s) {
  return s.size() >= kShortestTimestamp && s[4] == '-' && s[10] == 'T' && is_timestamp_rest(s);
}

// Luhn checksum over the digits of s (other characters are skipped).
bool luhn_valid(std::string_view s);
// The card rules above for a bare digit string (a JSON number's digits).
bool card_number(std::string_view digits);

}  // namespace vigil::sanitize_detail
