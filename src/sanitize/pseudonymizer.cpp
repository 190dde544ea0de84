#include "sanitize/pseudonymizer.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <cstdlib>
#include <string>

namespace vigil::sanitize_detail {
namespace {

constexpr size_t kBlock = 64;  // SHA-256 block size
constexpr size_t kTokenHex = 16;

// One random key per process, so that tokens stay stable across config
// reloads (each reload builds a new Sanitizer) even without a configured key.
// Empty when the system has no entropy to give.
const std::string& process_key() {
  static const std::string key = [] {
    std::string k(32, '\0');
    const bool ok =
        RAND_bytes(reinterpret_cast<unsigned char*>(k.data()), static_cast<int>(k.size())) == 1;
    return ok ? k : std::string();
  }();
  return key;
}

bool digest_into(EVP_MD_CTX* ctx, std::string_view data) {
  return EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1 &&
         EVP_DigestUpdate(ctx, data.data(), data.size()) == 1;
}

}  // namespace

void Pseudonymizer::CtxFree::operator()(evp_md_ctx_st* ctx) const {
  EVP_MD_CTX_free(ctx);
}

Pseudonymizer::Pseudonymizer(CtxPtr inner, CtxPtr outer, bool ephemeral)
    : inner_(std::move(inner)), outer_(std::move(outer)), ephemeral_(ephemeral) {}
Pseudonymizer::Pseudonymizer(Pseudonymizer&&) noexcept = default;
Pseudonymizer& Pseudonymizer::operator=(Pseudonymizer&&) noexcept = default;
Pseudonymizer::~Pseudonymizer() = default;

Result<Pseudonymizer> Pseudonymizer::create(std::string_view configured_key) {
  std::string key(configured_key);
  const char* source = "sanitize.pseudonymize_key";
  if (key.empty()) {
    const char* env = std::getenv("VIGIL_PSEUDONYMIZE_KEY");
    if (env != nullptr) key = env;
    source = "VIGIL_PSEUDONYMIZE_KEY";
  }
  const bool ephemeral = key.empty();
  if (ephemeral) {
    key = process_key();
    if (key.empty()) {
      return make_error(ErrorCode::kConfig, "sanitize: no random source for a pseudonymize key");
    }
  }
  if (key.size() < kMinKeyBytes) {
    return make_error(ErrorCode::kConfig, fmt::format("{} must be at least {} bytes (got {})",
                                                      source, kMinKeyBytes, key.size()));
  }
  // RFC 2104: keys longer than a block are hashed first, then zero-padded.
  std::array<unsigned char, kBlock> block{};
  if (key.size() > kBlock) {
    unsigned int n = 0;
    EVP_Digest(key.data(), key.size(), block.data(), &n, EVP_sha256(), nullptr);
  } else {
    std::copy(key.begin(), key.end(), block.begin());
  }
  std::string ipad(kBlock, '\0'), opad(kBlock, '\0');
  for (size_t i = 0; i < kBlock; ++i) {
    ipad[i] = static_cast<char>(block[i] ^ 0x36);
    opad[i] = static_cast<char>(block[i] ^ 0x5c);
  }
  CtxPtr inner(EVP_MD_CTX_new()), outer(EVP_MD_CTX_new());
  if (!inner || !outer || !digest_into(inner.get(), ipad) || !digest_into(outer.get(), opad)) {
    return make_error(ErrorCode::kConfig, "sanitize: OpenSSL SHA-256 is unavailable");
  }
  return Pseudonymizer(std::move(inner), std::move(outer), ephemeral);
}

std::string Pseudonymizer::pseudonymize(std::string_view value) const {
  std::string out;
  append(value, out);
  return out;
}

void Pseudonymizer::append(std::string_view value, std::string& out) const {
  // Per-thread work context: the keyed prototypes are only read (copied from).
  thread_local const CtxPtr work(EVP_MD_CTX_new());
  unsigned char inner_hash[EVP_MAX_MD_SIZE], mac[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  const bool ok = work && EVP_MD_CTX_copy_ex(work.get(), inner_.get()) == 1 &&
                  EVP_DigestUpdate(work.get(), value.data(), value.size()) == 1 &&
                  EVP_DigestFinal_ex(work.get(), inner_hash, &n) == 1 &&
                  EVP_MD_CTX_copy_ex(work.get(), outer_.get()) == 1 &&
                  EVP_DigestUpdate(work.get(), inner_hash, n) == 1 &&
                  EVP_DigestFinal_ex(work.get(), mac, &n) == 1;
  if (!ok) {  // only on memory exhaustion; fail closed rather than let the value out
    out += "[REDACTED]";
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out += kPrefix;
  for (size_t i = 0; i < kTokenHex / 2; ++i) {
    out.push_back(kHex[mac[i] >> 4]);
    out.push_back(kHex[mac[i] & 0xf]);
  }
}

}  // namespace vigil::sanitize_detail
