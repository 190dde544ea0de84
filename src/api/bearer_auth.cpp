#include "api/bearer_auth.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "core/strings.h"

namespace vigil {
namespace {

std::array<unsigned char, 32> digest(std::string_view s) {
  std::array<unsigned char, 32> out{};
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), out.data());
  return out;
}

}  // namespace

BearerAuth::BearerAuth(const std::vector<std::string>& tokens) {
  for (const auto& t : tokens) digests_.push_back(digest(t));
}

bool BearerAuth::allows(std::string_view authorization) const {
  if (!enabled()) return true;
  // "Bearer" for the API; "Splunk" is how HEC clients send the same token,
  // "ApiKey" how Elastic shippers do.
  size_t scheme = 0;
  for (std::string_view s : {"bearer ", "splunk ", "apikey "}) {
    if (authorization.size() > s.size() && iequals_ascii(authorization.substr(0, s.size()), s))
      scheme = s.size();
  }
  if (scheme == 0) return false;
  const auto presented = digest(trim(authorization.substr(scheme)));
  bool ok = false;
  for (const auto& d : digests_) {  // no early exit: every token is compared
    ok |= CRYPTO_memcmp(d.data(), presented.data(), d.size()) == 0;
  }
  return ok;
}

}  // namespace vigil
