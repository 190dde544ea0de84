#include "intel/feed_lines.h"

#include <charconv>

#include "core/strings.h"

namespace vigil::intel {
namespace {

std::optional<size_t> number_at(std::string_view s) {
  s = trim(s);
  size_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end == s.data()) return std::nullopt;
  return n;
}

}  // namespace

LineCursor::LineCursor(std::string_view text) : text_(text) {
  if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
}

bool LineCursor::next(std::string_view& line) {
  if (pos_ >= text_.size()) return false;
  const size_t nl = text_.find('\n', pos_);
  const size_t end = nl == std::string_view::npos ? text_.size() : nl;
  line = text_.substr(pos_, end - pos_);
  if (line.ends_with('\r')) line.remove_suffix(1);
  pos_ = end + 1;
  ++number_;
  return true;
}

std::optional<std::string_view> comment_body(std::string_view line) {
  if (line.starts_with('#') || line.starts_with(';')) return trim(line.substr(1));
  if (line.starts_with("//")) return trim(line.substr(2));
  return std::nullopt;
}

std::optional<size_t> trailer_count(std::string_view comment) {
  // "END 28 entries" (Feodo Tracker), "Number of entries: 506" (MalwareBazaar, ThreatFox).
  if (comment.starts_with("END ") && comment.ends_with(" entries")) {
    return number_at(comment.substr(4, comment.size() - 4 - 8));
  }
  constexpr std::string_view kNumberOf = "Number of entries:";
  if (comment.starts_with(kNumberOf)) return number_at(comment.substr(kNumberOf.size()));
  return std::nullopt;
}

}  // namespace vigil::intel
