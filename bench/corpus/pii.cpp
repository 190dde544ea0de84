#include "corpus/pii.h"

#include <fmt/format.h>

namespace vigil::bench {
namespace {

constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr char kAlnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz";

void append_random(Rng& rng, std::string& out, std::string_view alphabet, size_t n) {
  for (size_t i = 0; i < n; ++i) out.push_back(alphabet[rng.below(alphabet.size())]);
}

int luhn_check_digit(std::string_view body) {
  int sum = 0;
  bool dbl = true;  // the digit left of the check digit is doubled
  for (size_t i = body.size(); i-- > 0;) {
    int d = body[i] - '0';
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return (10 - sum % 10) % 10;
}

void append_grouped(Rng& rng, std::string& out, std::string_view digits) {
  const double style = rng.unit();
  const char sep = style < 0.4 ? '\0' : style < 0.7 ? ' ' : '-';
  const bool amex = digits.size() == 15;
  for (size_t i = 0; i < digits.size(); ++i) {
    const bool boundary = amex ? (i == 4 || i == 10) : (i > 0 && i % 4 == 0);
    if (boundary && sep) out.push_back(sep);
    out.push_back(digits[i]);
  }
}

std::string card_digits(Rng& rng, bool valid) {
  static constexpr std::string_view kPrefixes[] = {"4", "51", "52", "55", "34", "37", "6011"};
  const std::string_view prefix = kPrefixes[rng.below(std::size(kPrefixes))];
  const size_t len = prefix[0] == '3' ? 15 : 16;
  std::string d(prefix);
  while (d.size() < len - 1) d.push_back(static_cast<char>('0' + rng.below(10)));
  const int check = luhn_check_digit(d);
  d.push_back(static_cast<char>('0' + (valid ? check : (check + 1 + rng.below(9)) % 10)));
  return d;
}

}  // namespace

bool luhn_valid(std::string_view digits) {
  if (digits.size() < 2) return false;
  return luhn_check_digit(digits.substr(0, digits.size() - 1)) == digits.back() - '0';
}

void append_card_number(Rng& rng, std::string& out) {
  append_grouped(rng, out, card_digits(rng, true));
}

void append_order_number(Rng& rng, std::string& out) {
  std::string d = card_digits(rng, false);
  if (d.size() == 15) d.insert(d.begin(), '9');  // keep order numbers 16 digits
  if (luhn_valid(d)) d.back() = static_cast<char>('0' + (d.back() - '0' + 1) % 10);
  append_grouped(rng, out, d);
}

void append_ssn(Rng& rng, std::string& out) {
  int64_t area;
  do {
    area = rng.range(1, 899);
  } while (area == 666);
  fmt::format_to(std::back_inserter(out), "{:03}-{:02}-{:04}", area, rng.range(1, 99),
                 rng.range(1, 9999));
}

void append_jwt(Rng& rng, std::string& out) {
  out += "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.";
  append_random(rng, out, kBase64Url, 40 + rng.below(30));
  out.push_back('.');
  append_random(rng, out, kBase64Url, 43);
}

void append_api_key(Rng& rng, std::string& out) {
  switch (rng.below(3)) {
    case 0:
      out += "sk_live_";
      append_random(rng, out, kAlnum, 24);
      break;
    case 1:
      out += "AKIA";
      append_random(rng, out, std::string_view(kAlnum, 36), 16);
      break;
    default:
      out += "ghp_";
      append_random(rng, out, kAlnum, 36);
  }
}

void append_phone(Rng& rng, std::string& out) {
  fmt::format_to(std::back_inserter(out), "+1-{}-555-{:04}", rng.range(201, 989),
                 rng.range(100, 9999));
}

}  // namespace vigil::bench
