// Correlation evidence (the triggering events alerts carry, as compact JSON)
// kept compressed. Windows hold the newest events of tens of thousands of
// groups; one event's JSON alone compresses ~1.5x, but events of one
// deployment share their keys and much of their values, so a zstd dictionary
// trained on the first documents compresses the rest ~4x (docs/sigma-support.md).
//   EvidenceDictionary  a trained dictionary, compressing and decompressing
//   EvidenceCodec       makes Evidence: plain until it has trained, then
//                       compressed when the caller asks (make) or plain (make_plain)
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "state/state_store.h"

struct ZSTD_CDict_s;
struct ZSTD_DDict_s;

namespace vigil::state {

class EvidenceDictionary {
 public:
  // A dictionary of at most `max_bytes` trained on `samples`; null when zstd
  // finds nothing to learn (too few or too uniform samples).
  static std::shared_ptr<const EvidenceDictionary> train(const std::vector<std::string>& samples,
                                                         size_t max_bytes, int level);
  EvidenceDictionary(const std::string& dictionary, int level);
  ~EvidenceDictionary();
  EvidenceDictionary(const EvidenceDictionary&) = delete;
  EvidenceDictionary& operator=(const EvidenceDictionary&) = delete;

  std::string compress(std::string_view text) const;
  // The text of a frame compress() made; empty when it is not one.
  std::string decompress(std::string_view frame) const;

 private:
  ZSTD_CDict_s* cdict_ = nullptr;
  ZSTD_DDict_s* ddict_ = nullptr;
};

struct EvidenceCodecOptions {
  size_t training_docs = 1000;                 // documents kept plain to train on
  size_t dictionary_bytes = size_t{16} << 10;  // 64 KiB compressed no better, ~25 % slower
  int level = 1;                               // fastest: compressing is on a lane's event path
};

// Shared by the lanes of one correlation engine; thread-safe.
class EvidenceCodec {
 public:
  explicit EvidenceCodec(EvidenceCodecOptions options = {});

  // `json` as evidence: compressed once the dictionary is trained, plain
  // before (those documents are the training set) or if training failed.
  std::shared_ptr<const Evidence> make(std::string json);
  // `json` as plain evidence (still a training sample while the codec
  // gathers them): for callers with memory to spare, as compressing costs
  // ~2.5 µs a document.
  std::shared_ptr<const Evidence> make_plain(std::string json);
  bool trained() const { return ready_.load(std::memory_order_acquire) != nullptr; }

 private:
  void add_sample(const std::string& json);

  EvidenceCodecOptions options_;
  std::mutex mu_;
  std::vector<std::string> samples_;  // under mu_, until training
  // Set under mu_, read without it too: once the samples are in, plain
  // evidence no longer takes the mutex.
  std::atomic<bool> training_done_{false};
  // Set once (dictionary_ first, then ready_ with release), never changed:
  // readers that see ready_ may use dictionary_ without the lock.
  std::shared_ptr<const EvidenceDictionary> dictionary_;
  std::atomic<const EvidenceDictionary*> ready_{nullptr};
};

}  // namespace vigil::state
