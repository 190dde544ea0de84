// Finders: given a trigger literal at [begin, end) of one string, confirm the
// pattern around it and return the exact span to replace, or nothing. Each
// does in hand code what Hyperscan cannot report (start offsets, captures,
// checks like "a TLD follows"), looking only at the string around the literal.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "sanitize/triggers.h"

namespace vigil::sanitize_detail {

struct Span {
  size_t begin;
  size_t end;
};

// Value of `password=...`, `password: ...`, `"password": "..."`, also after
// passwd/passphrase/pwd inside a longer identifier as `mode` allows
// (`user_password=`, `password_hash=`, `db_pwd=`; not `pwdLastSet=`).
// The keyword stays, so the output still says what was removed.
std::optional<Span> find_password(std::string_view s, size_t begin, size_t end, KeyMode mode);
// Password of URL credentials: scheme://user:PASSWORD@host.
std::optional<Span> find_url_password(std::string_view s, size_t begin, size_t end);
// Token after "Bearer " (at least 8 token characters, so prose stays).
std::optional<Span> find_bearer(std::string_view s, size_t begin, size_t end);
// Credential of `Authorization: <scheme> <credential>` (scheme kept).
std::optional<Span> find_authorization(std::string_view s, size_t begin, size_t end);
// Value of `key=value`, `key: value`, `"key": "value"` where the identifier
// around [begin, end) (letters, digits, _ . -) satisfies a key rule's mode.
std::optional<Span> find_key_assignment(std::string_view s, size_t begin, size_t end, KeyMode mode);

// local@domain.tld around an '@' (ASCII; the TLD is letters, 2 or more).
std::optional<Span> find_email(std::string_view s, size_t begin, size_t end);
// <header>.<payload>.<signature> of a signed JWT: the header is base64url
// JSON (eyJ + at least 7 more), the payload usually is too (eyJ...) but JWS
// allows any, so payload and signature are any base64url, possibly empty.
std::optional<Span> find_jwt(std::string_view s, size_t begin, size_t end);
// AKIA/ASIA + 16 of [A-Z0-9], on word boundaries.
std::optional<Span> find_aws_key(std::string_view s, size_t begin, size_t end);
// -----BEGIN ... PRIVATE KEY----- through the matching END line, or to the end
// of the string when the block was cut off (the rest is still key material).
std::optional<Span> find_private_key(std::string_view s, size_t begin, size_t end);

// Runs the trigger's finder (key rules excepted: see find_key_assignment).
std::optional<Span> run_finder(const Trigger& trigger, std::string_view s, size_t begin,
                               size_t end);

}  // namespace vigil::sanitize_detail
