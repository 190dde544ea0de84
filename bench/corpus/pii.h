// Sensitive values of the kinds vigil's sanitizer must find, plus
// look-alikes it must leave alone (Luhn-invalid order numbers), so the
// corpus measures both redaction cost and false positives.
#pragma once

#include <string>

#include "corpus/rng.h"

namespace vigil::bench {

// A Luhn-valid card number (Visa, Mastercard, Amex, Discover), grouped with
// spaces, dashes or not at all.
void append_card_number(Rng& rng, std::string& out);
// 16 digits grouped like a card but failing the Luhn check.
void append_order_number(Rng& rng, std::string& out);
// "123-45-6789" shape with valid area/group/serial ranges.
void append_ssn(Rng& rng, std::string& out);
// A JWT-shaped bearer token (header.payload.signature, base64url).
void append_jwt(Rng& rng, std::string& out);
// Provider-style API keys: "sk_live_...", "AKIA...", "ghp_...".
void append_api_key(Rng& rng, std::string& out);
void append_phone(Rng& rng, std::string& out);

// Exposed for tests of the generator itself.
bool luhn_valid(std::string_view digits);

}  // namespace vigil::bench
