// One Hyperscan literal database for all triggers of a policy. Immutable and
// shared between threads; each thread scans with its own scratch space.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "sanitize/triggers.h"

struct hs_database;

namespace vigil::sanitize_detail {

struct Hit {
  uint32_t id;  // index into the trigger list
  size_t end;   // buffer offset one past the literal
};

class LiteralMatcher {
 public:
  // nullptr (and no error) when there is nothing to look for.
  static Result<std::unique_ptr<LiteralMatcher>> compile(const std::vector<Trigger>& triggers);
  ~LiteralMatcher();
  LiteralMatcher(const LiteralMatcher&) = delete;
  LiteralMatcher& operator=(const LiteralMatcher&) = delete;

  // Appends every occurrence of every literal. False when Hyperscan could not
  // scan (no scratch memory): callers then fail closed.
  bool scan(std::string_view text, std::vector<Hit>& hits) const;

 private:
  LiteralMatcher(hs_database* db, uint64_t id) : db_(db), id_(id) {}
  hs_database* db_;
  uint64_t id_;  // unique per database, never reused (unlike its address)
};

}  // namespace vigil::sanitize_detail
