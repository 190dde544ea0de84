// Keyed pseudonyms: "pseud_" + the first 16 hex digits of
// HMAC-SHA256(key, value). The same value maps to the same token for as long
// as the key is the same, so stored data can still be joined and counted.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX, kept out of this header

namespace vigil::sanitize_detail {

class Pseudonymizer {
 public:
  static constexpr size_t kMinKeyBytes = 16;
  static constexpr std::string_view kPrefix = "pseud_";

  // Key: `configured_key`, else $VIGIL_PSEUDONYMIZE_KEY, else a random key made
  // once per process (ephemeral(): tokens change on restart). A key shorter
  // than kMinKeyBytes is an error: a guessable key lets anyone who holds the
  // stored data recover user names and IPs by hashing candidates.
  static Result<Pseudonymizer> create(std::string_view configured_key);

  Pseudonymizer(Pseudonymizer&&) noexcept;
  Pseudonymizer& operator=(Pseudonymizer&&) noexcept;
  ~Pseudonymizer();

  std::string pseudonymize(std::string_view value) const;
  void append(std::string_view value, std::string& out) const;
  bool ephemeral() const { return ephemeral_; }

 private:
  struct CtxFree {
    void operator()(evp_md_ctx_st* ctx) const;
  };
  using CtxPtr = std::unique_ptr<evp_md_ctx_st, CtxFree>;

  Pseudonymizer(CtxPtr inner, CtxPtr outer, bool ephemeral);

  // SHA-256 states after absorbing key^ipad and key^opad: each call copies
  // them instead of re-deriving the HMAC key schedule.
  CtxPtr inner_;
  CtxPtr outer_;
  bool ephemeral_ = false;
};

}  // namespace vigil::sanitize_detail
