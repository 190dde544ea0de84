// The sanitizer: the boundary of the process. Everything vigil writes
// (stored events, alert payloads, API responses, log lines) passes through
// it; analysis stages read raw values in memory and never see its output.
//
// What it finds (pattern names, as used in `sanitize.actions`):
//   ssn             ddd-dd-dddd on word boundaries
//   credit_card     13-19 digits, optionally grouped by single ' ' or '-',
//                   Luhn-valid, first digit 2-9; also JSON numbers of that shape
//   email           local@domain.tld
//   ip_address      IPv4 (four octets 0-255) and IPv6 (what inet_pton accepts)
//   password        the value of password=, password: and "password": (also
//                   passwd, passphrase, user_password=, password_hash=; pwd only
//                   ending a name: pwd=, db_pwd=) and of user:PASS@ in URLs
//   bearer_token    the credential of "Bearer <token>" and of
//                   "Authorization: <scheme> <credential>" (the scheme stays)
//   jwt             eyJ<b64>.<b64>.<b64> (header JSON; payload usually eyJ... too)
//   aws_access_key  AKIA|ASIA + 16 of [A-Z0-9]
//   private_key     -----BEGIN ... PRIVATE KEY----- through its END line
//   sensitive_key   the whole value of an object member whose key names a
//                   secret: contains password, passwd, passphrase, secret,
//                   apikey/api_key/api-key, privatekey/private_key/private-key,
//                   credential, authorization or cookie; or ends with token or
//                   pwd (access_token, csrfToken, db_pwd; not token_count).
//                   Case-insensitive; a dotted key's last part counts alone.
//                   sanitize.sensitive_keys adds exact keys ("ssn_raw") or, with
//                   '*', suffix/prefix/contains rules ("*_secret", "x-priv-*").
//                   The same rules find key=value, key: value and "key": "value"
//                   inside strings (query strings, JSON in a message, env dumps)
//                   and replace the value only; there the password words are
//                   the password pattern's, authorization is bearer_token's,
//                   and cookie is not applied.
//
// Actions: redact ("[REDACTED_<PATTERN>]"; "[REDACTED]" for sensitive-key
// values), pseudonymize ("pseud_" + 16 hex of HMAC-SHA256(key, value); key
// from sanitize.pseudonymize_key, else $VIGIL_PSEUDONYMIZE_KEY, at least 16
// bytes, else a random per-process key: see ephemeral_key()),
// anonymize_ip (ip_address only: host bits zeroed per ipv4_prefix/ipv6_prefix),
// drop (the match is removed; a sensitive member is removed; a card number
// becomes null), keep (the pattern is not searched).
// Defaults: ip_address anonymize_ip, every other pattern redact.
//
// Scope: every string at any depth, object keys included (a key holding an
// e-mail is rewritten like a value; a finding in a key never removes the member). Numbers are only
// checked as card numbers. Overlapping findings resolve leftmost-longest, ties
// in the order of the list above. Strings with no finding are left untouched
// and cost no allocation. Containers nested deeper than 128 levels become
// "[REDACTED_TOO_DEEP]". If the scan itself fails (out of memory) every string
// and number value becomes "[REDACTED]": the sanitizer fails closed.
//
// A Sanitizer is immutable: share one among threads; on reload build a new one.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "config/config.h"
#include "core/error.h"
#include "core/value.h"

namespace vigil {

class Sanitizer {
 public:
  // Validates the policy (unknown pattern or action, anonymize_ip on a
  // non-IP pattern, bad sensitive key, prefix out of range, key shorter than
  // 16 bytes) and compiles all literal triggers into one Hyperscan database.
  [[nodiscard]] static Result<std::shared_ptr<const Sanitizer>> create(
      const SanitizeConfig& config);
  ~Sanitizer();

  // Sanitizes every string at any depth of objects and arrays, in place; also
  // replaces (or drops) the values of sensitive keys, whatever their type.
  void sanitize(Value& doc) const;
  // Sanitizes one free-text string (log lines, error messages).
  [[nodiscard]] std::string sanitize_text(std::string_view text) const;
  // The pseudonym the `pseudonymize` action writes for `value`, for indexed
  // columns (user names) that must join with sanitized documents.
  [[nodiscard]] std::string pseudonymize(std::string_view value) const;
  // `ip` with its host part zeroed per the configured prefixes; anything that
  // is not exactly one IP address is returned unchanged.
  [[nodiscard]] std::string anonymize_ip(std::string_view ip) const;
  // True when no key was configured (sanitize.pseudonymize_key or
  // $VIGIL_PSEUDONYMIZE_KEY): pseudonyms then change with every restart, and
  // the app should warn.
  [[nodiscard]] bool ephemeral_key() const;

 private:
  struct Parts;
  explicit Sanitizer(std::unique_ptr<const Parts> parts);
  std::unique_ptr<const Parts> parts_;
};

}  // namespace vigil
