// Optional bearer-token authentication for /api/*. Tokens are compared in
// constant time (through their SHA-256 digests, so length leaks nothing either).
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

class BearerAuth {
 public:
  explicit BearerAuth(const std::vector<std::string>& tokens);
  bool enabled() const { return !digests_.empty(); }
  // `authorization` is the raw header value: "Bearer <token>", or the same
  // token as "Splunk <token>" (HEC) or "ApiKey <token>" (Elastic shippers).
  bool allows(std::string_view authorization) const;

 private:
  std::vector<std::array<unsigned char, 32>> digests_;
};

}  // namespace vigil
