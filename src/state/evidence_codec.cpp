#include "state/evidence_codec.h"

#include <zdict.h>
#include <zstd.h>

#include <stdexcept>

namespace vigil::state {
namespace {

// zstd contexts are not thread-safe and cost ~100 KiB-1 MiB to create: one
// of each per thread, for its lifetime.
ZSTD_CCtx* thread_compressor() {
  thread_local std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> ctx(ZSTD_createCCtx(),
                                                                        &ZSTD_freeCCtx);
  return ctx.get();
}

ZSTD_DCtx* thread_decompressor() {
  thread_local std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> ctx(ZSTD_createDCtx(),
                                                                        &ZSTD_freeDCtx);
  return ctx.get();
}

}  // namespace

Evidence::Evidence(std::string bytes, std::shared_ptr<const EvidenceDictionary> dictionary)
    : bytes_(std::move(bytes)), dictionary_(std::move(dictionary)) {}

std::string Evidence::json() const {
  return dictionary_ ? dictionary_->decompress(bytes_) : bytes_;
}

std::shared_ptr<const EvidenceDictionary> EvidenceDictionary::train(
    const std::vector<std::string>& samples, size_t max_bytes, int level) {
  std::string joined;
  std::vector<size_t> sizes;
  sizes.reserve(samples.size());
  for (const auto& s : samples) {
    joined += s;
    sizes.push_back(s.size());
  }
  std::string dictionary(max_bytes, '\0');
  const size_t n = ZDICT_trainFromBuffer(dictionary.data(), dictionary.size(), joined.data(),
                                         sizes.data(), static_cast<unsigned>(sizes.size()));
  if (ZDICT_isError(n)) return nullptr;
  dictionary.resize(n);
  return std::make_shared<const EvidenceDictionary>(dictionary, level);
}

EvidenceDictionary::EvidenceDictionary(const std::string& dictionary, int level)
    : cdict_(ZSTD_createCDict(dictionary.data(), dictionary.size(), level)),
      ddict_(ZSTD_createDDict(dictionary.data(), dictionary.size())) {}

EvidenceDictionary::~EvidenceDictionary() {
  ZSTD_freeCDict(cdict_);
  ZSTD_freeDDict(ddict_);
}

std::string EvidenceDictionary::compress(std::string_view text) const {
  thread_local std::string scratch;
  scratch.resize(ZSTD_compressBound(text.size()));
  const size_t n = ZSTD_compress_usingCDict(thread_compressor(), scratch.data(), scratch.size(),
                                            text.data(), text.size(), cdict_);
  if (ZSTD_isError(n)) throw std::logic_error(ZSTD_getErrorName(n));  // bound-sized: a bug
  return std::string(scratch.data(), n);  // exactly sized: evidence is held for minutes
}

std::string EvidenceDictionary::decompress(std::string_view frame) const {
  const unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) return {};
  std::string text(size, '\0');
  const size_t n = ZSTD_decompress_usingDDict(thread_decompressor(), text.data(), text.size(),
                                              frame.data(), frame.size(), ddict_);
  if (ZSTD_isError(n)) return {};
  text.resize(n);
  return text;
}

EvidenceCodec::EvidenceCodec(EvidenceCodecOptions options) : options_(options) {}

std::shared_ptr<const Evidence> EvidenceCodec::make(std::string json) {
  if (const EvidenceDictionary* d = ready_.load(std::memory_order_acquire)) {
    return std::make_shared<const Evidence>(d->compress(json), dictionary_);
  }
  return make_plain(std::move(json));
}

std::shared_ptr<const Evidence> EvidenceCodec::make_plain(std::string json) {
  if (!training_done_.load(std::memory_order_relaxed)) add_sample(json);
  return std::make_shared<const Evidence>(std::move(json));
}

// Trains once, on the lane that brings the last sample (tens of milliseconds,
// once per process), outside the lock: the other lanes keep making plain
// evidence meanwhile.
void EvidenceCodec::add_sample(const std::string& json) {
  std::vector<std::string> samples;
  {
    std::lock_guard lock(mu_);
    if (training_done_.load(std::memory_order_relaxed)) return;
    samples_.push_back(json);
    if (samples_.size() < options_.training_docs) return;
    training_done_.store(true, std::memory_order_relaxed);
    samples.swap(samples_);
  }
  dictionary_ = EvidenceDictionary::train(samples, options_.dictionary_bytes, options_.level);
  if (dictionary_) ready_.store(dictionary_.get(), std::memory_order_release);
}

}  // namespace vigil::state
