// A compiled Sigma string comparison: the whole field must match the
// pattern (wildcards `*` `?`), case-insensitively unless `cased`. Common
// shapes (equals, prefix, suffix, substring) skip the general glob matcher.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "detect/sigma_string.h"

namespace vigil::sigma {

class StringPattern {
 public:
  StringPattern(const SigmaString& s, bool cased);

  bool cased() const { return cased_; }
  // `text` is the field's text, already case-folded when !cased().
  bool matches(std::string_view text) const;
  // The literal parts, for multi-pattern prefiltering.
  const std::vector<Piece>& pieces() const { return pieces_; }
  // Unique per constructed pattern (copies share it), allocated in
  // construction order: a rule set loaded at once gets a dense range, which
  // the literal prefilter uses as bit indexes.
  uint64_t id() const { return id_; }
  // The longest text piece: any text the pattern matches contains it
  // (folded unless cased()). Empty when the pattern has no literal text.
  std::string_view required_literal() const;
  // Matches exactly the texts containing required_literal() (`*text*`).
  bool is_substring() const { return shape_ == Shape::kContains; }
  // Matches exactly the text equal to required_literal() (`field: value`).
  bool is_whole_text() const { return shape_ == Shape::kEquals; }
  // Matches exactly the texts that start (end) with required_literal().
  bool is_prefix() const { return shape_ == Shape::kPrefix; }
  bool is_suffix() const { return shape_ == Shape::kSuffix; }
  // The heap blocks matches() reads (Rule::footprint).
  void footprint(std::vector<const void*>& out) const;

 private:
  enum class Shape { kEquals, kPrefix, kSuffix, kContains, kGlob };
  bool glob(std::string_view text) const;

  bool cased_;
  uint64_t id_;
  Shape shape_ = Shape::kGlob;
  std::string literal_;  // for the simple shapes
  std::vector<Piece> pieces_;
};

}  // namespace vigil::sigma
