#include "sanitize/digit_shapes.h"

#include <optional>

#include "core/timestamp.h"
#include "sanitize/char_class.h"

namespace vigil::sanitize_detail {
namespace {

constexpr size_t kCardMaxDigits = 19;

size_t length(const DigitGroup& g) {
  return g.end - g.begin;
}

// `\b` before group j / after group j: inner groups sit next to a separator.
bool left_ok(const DigitRun& run, size_t j) {
  return j > 0 || run.left_boundary;
}
bool right_ok(const DigitRun& run, size_t j) {
  return j + 1 < run.groups.size() || run.right_boundary;
}

bool octet(std::string_view s) {
  if (s.empty() || s.size() > 3) return false;
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v <= 255;
}

bool card_prefix(char first_digit) {
  return first_digit >= '2' && first_digit <= '9';
}

// Longest card starting at group j, as the index of its last group.
std::optional<size_t> card_at(const DigitRun& run, size_t j) {
  const auto& g = run.groups;
  if (!card_prefix(run.text[g[j].begin])) return std::nullopt;
  std::optional<size_t> best;
  size_t digits = 0;
  for (size_t m = j; m < g.size(); ++m) {
    digits += length(g[m]);
    if (digits > kCardMaxDigits) break;
    if (digits >= kMinCardDigits && right_ok(run, m) &&
        luhn_valid(run.text.substr(g[j].begin, g[m].end - g[j].begin))) {
      best = m;
    }
    if (g[m].separator != ' ' && g[m].separator != '-') break;
  }
  return best;
}

}  // namespace

void find_ssns(const DigitRun& run, std::vector<Finding>& out) {
  const auto& g = run.groups;
  for (size_t j = 0; j + 2 < g.size(); ++j) {
    if (length(g[j]) == 3 && length(g[j + 1]) == 2 && length(g[j + 2]) == 4 &&
        g[j].separator == '-' && g[j + 1].separator == '-' && left_ok(run, j) &&
        right_ok(run, j + 2)) {
      out.push_back({g[j].begin, g[j + 2].end, Pattern::kSsn});
    }
  }
}

void find_ipv4s(const DigitRun& run, std::vector<Finding>& out) {
  const auto& g = run.groups;
  for (size_t j = 0; j < g.size();) {
    size_t k = j;
    while (k + 1 < g.size() && g[k].separator == '.') ++k;
    bool ok = k - j == 3 && left_ok(run, j) && right_ok(run, k);
    for (size_t i = j; ok && i <= k; ++i) {
      ok = octet(run.text.substr(g[i].begin, length(g[i])));
    }
    if (ok) out.push_back({g[j].begin, g[k].end, Pattern::kIpAddress});
    j = k + 1;
  }
}

void find_cards(const DigitRun& run, std::vector<Finding>& out) {
  // Every start gets its longest card; overlapping ones are merged by
  // resolve(), so a Luhn-valid window that happens to start one group early
  // ("qty 3 4111 1111 ...") cannot shorten the real card.
  const auto& g = run.groups;
  for (size_t j = 0; j < g.size(); ++j) {
    const auto last = left_ok(run, j) ? card_at(run, j) : std::nullopt;
    if (last) out.push_back({g[j].begin, g[*last].end, Pattern::kCreditCard});
  }
}

bool luhn_valid(std::string_view s) {
  int sum = 0;
  bool twice = false;
  for (size_t i = s.size(); i-- > 0;) {
    if (!is_digit(s[i])) continue;
    int d = s[i] - '0';
    if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

bool card_number(std::string_view digits) {
  return digits.size() >= kMinCardDigits && digits.size() <= kCardMaxDigits &&
         card_prefix(digits.front()) && luhn_valid(digits);
}

bool is_timestamp_rest(std::string_view s) {
  constexpr size_t kDateTime = 19;  // "dddd-dd-ddTdd:dd:dd"
  if (s.size() < kShortestTimestamp || !starts_with_datetime(s, 'T')) return false;
  size_t i = kDateTime;
  if (s[i] == '.') {
    const size_t digits_begin = ++i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == digits_begin || i - digits_begin > 9) return false;
  }
  if (i == s.size()) return false;
  if (s[i] == 'Z') return i + 1 == s.size();
  // "+hh:mm" / "-hh:mm"
  return (s[i] == '+' || s[i] == '-') && s.size() - i == 6 && is_digit(s[i + 1]) &&
         is_digit(s[i + 2]) && s[i + 3] == ':' && is_digit(s[i + 4]) && is_digit(s[i + 5]);
}

}  // namespace vigil::sanitize_detail
