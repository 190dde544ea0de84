// Sanitizes a whole document in one scan: every string (values and keys) is
// copied into one buffer, scanned once, and only strings with findings are
// rewritten. Members under sensitive keys are replaced or dropped whole.
// Strings this thread has already scanned (ScannedStringCache) are left out of
// the buffer: clean ones are skipped, rewritten ones get their known rewrite;
// so is a value the document already holds (RepeatedValues), which gets what
// its first occurrence got. Values under a key whose values have stopped
// repeating (messages) are scanned without asking the cache.
#pragma once

#include "core/value.h"
#include "sanitize/detector.h"
#include "sanitize/policy.h"
#include "sanitize/rewriter.h"
#include "sanitize/scan_state.h"

namespace vigil::sanitize_detail {

class DocumentSanitizer {
 public:
  // Containers nested deeper than this are replaced by kTooDeep rather than
  // walked: the sanitizer must neither overflow its stack nor pass through
  // what it did not inspect. (Ingest rejects such events long before.)
  static constexpr int kMaxDepth = 128;
  static constexpr std::string_view kTooDeep = "[REDACTED_TOO_DEEP]";

  DocumentSanitizer(const Policy& policy, const Detector& detector, const Rewriter& rewriter);

  void sanitize(Value& doc) const;

 private:
  void collect(Value& v, int depth, ScanState& st) const;
  void collect_object(Object& object, int depth, ScanState& st) const;
  void collect_member(Value& v, uint64_t key_hash, int depth, ScanState& st) const;
  // How add_value() treats a string with the cache: looked up, and the
  // lookup counted for the member's key; looked up (an array's item); or
  // neither looked up nor offered (its key's values have stopped repeating).
  enum class Lookup : uint8_t { kCountedForKey, kPlain, kSkipped };
  static void add_value(std::string& s, Lookup lookup, uint64_t key_hash, ScanState& st);
  // `hash`: ScannedStringCache::ends_of(s).hash(), remembered for offer().
  static void add_string(std::string& s, SegmentKind kind, uint64_t hash, ScanState& st);
  static void remember_scanned(ScanState& st);
  void rewrite_segments(ScanState& st) const;
  void rewrite_repeat(Segment& s, ScanState& st) const;
  void replace_sensitive_members(ScanState& st) const;
  static void fail_closed(ScanState& st);

  const Policy& policy_;
  const Detector& detector_;
  const Rewriter& rewriter_;
  uint64_t id_;  // owner of the threads' scanned-string caches
};

}  // namespace vigil::sanitize_detail
