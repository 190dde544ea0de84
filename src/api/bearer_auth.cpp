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
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size() ||
      !iequals_ascii(authorization.substr(0, kScheme.size()), kScheme)) {
    return false;
  }
  const auto presented = digest(trim(authorization.substr(kScheme.size())));
  bool ok = false;
  for (const auto& d : digests_) {  // no early exit: every token is compared
    ok |= CRYPTO_memcmp(d.data(), presented.data(), d.size()) == 0;
  }
  return ok;
}

}  // namespace vigil
