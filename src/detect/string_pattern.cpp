#include "detect/string_pattern.h"

#include <atomic>

#include "detect/rule.h"
#include "detect/text_fold.h"

namespace vigil::sigma {
namespace {

using Kind = Piece::Kind;

std::atomic<uint64_t> next_pattern_id{0};

bool only_text_between(const std::vector<Piece>& p, size_t first, size_t last) {
  for (size_t i = first; i < last; ++i) {
    if (p[i].kind != Kind::kText) return false;
  }
  return true;
}

}  // namespace

StringPattern::StringPattern(const SigmaString& s, bool cased)
    : cased_(cased), id_(next_pattern_id.fetch_add(1, std::memory_order_relaxed)) {
  pieces_ = s.pieces();
  if (!cased_) {
    for (auto& p : pieces_) p.text = fold_case(p.text);
  }
  const size_t n = pieces_.size();
  if (n == 0) {
    shape_ = Shape::kEquals;
  } else if (n == 1 && pieces_[0].kind == Kind::kText) {
    shape_ = Shape::kEquals;
    literal_ = pieces_[0].text;
  } else if (n == 2 && pieces_[0].kind == Kind::kText && pieces_[1].kind == Kind::kStar) {
    shape_ = Shape::kPrefix;
    literal_ = pieces_[0].text;
  } else if (n == 2 && pieces_[0].kind == Kind::kStar && pieces_[1].kind == Kind::kText) {
    shape_ = Shape::kSuffix;
    literal_ = pieces_[1].text;
  } else if (n == 3 && pieces_[0].kind == Kind::kStar && pieces_[2].kind == Kind::kStar &&
             only_text_between(pieces_, 1, 2)) {
    shape_ = Shape::kContains;
    literal_ = pieces_[1].text;
  } else if (n == 1 && pieces_[0].kind == Kind::kStar) {
    shape_ = Shape::kPrefix;  // `*` alone: any text
  }
}

std::string_view StringPattern::required_literal() const {
  std::string_view best;
  for (const auto& p : pieces_) {
    if (p.kind == Kind::kText && p.text.size() > best.size()) best = p.text;
  }
  return best;
}

bool StringPattern::matches(std::string_view text) const {
  switch (shape_) {
    case Shape::kEquals:
      return text == literal_;
    case Shape::kPrefix:
      return text.starts_with(literal_);
    case Shape::kSuffix:
      return text.ends_with(literal_);
    case Shape::kContains:
      return text.find(literal_) != std::string_view::npos;
    case Shape::kGlob:
      return glob(text);
  }
  return false;
}

void StringPattern::footprint(std::vector<const void*>& out) const {
  if (shape_ != Shape::kGlob) {
    add_footprint(literal_.data(), literal_.size(), out);
    return;
  }
  add_footprint(pieces_.data(), pieces_.size() * sizeof(Piece), out);
  for (const auto& p : pieces_) add_footprint(p.text.data(), p.text.size(), out);
}

// Iterative glob with single-star backtracking: linear for patterns with one
// star, never exponential. `?` consumes one UTF-8 code point.
bool StringPattern::glob(std::string_view text) const {
  size_t pi = 0;  // piece index
  size_t po = 0;  // offset inside a text piece
  size_t ti = 0;
  size_t star_piece = std::string::npos;
  size_t star_text = 0;
  while (ti < text.size() || pi < pieces_.size()) {
    if (pi < pieces_.size()) {
      const Piece& p = pieces_[pi];
      if (p.kind == Kind::kStar) {
        star_piece = ++pi;
        po = 0;
        star_text = ti;
        continue;
      }
      if (p.kind == Kind::kOne && ti < text.size()) {
        ti += std::min(utf8_length(static_cast<unsigned char>(text[ti])), text.size() - ti);
        ++pi;
        continue;
      }
      if (p.kind == Kind::kText && ti < text.size() && text[ti] == p.text[po]) {
        ++ti;
        if (++po == p.text.size()) {
          ++pi;
          po = 0;
        }
        continue;
      }
    }
    if (star_piece == std::string::npos || star_text >= text.size()) return false;
    // Let the last star eat one more character and retry from there.
    star_text +=
        std::min(utf8_length(static_cast<unsigned char>(text[star_text])), text.size() - star_text);
    ti = star_text;
    pi = star_piece;
    po = 0;
  }
  return true;
}

}  // namespace vigil::sigma
