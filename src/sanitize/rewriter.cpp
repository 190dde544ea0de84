#include "sanitize/rewriter.h"

namespace vigil::sanitize_detail {

Rewriter::Rewriter(const Policy& policy, const Pseudonymizer& pseudonymizer, const IpAnonymizer& ip)
    : policy_(policy), pseudonymizer_(pseudonymizer), ip_(ip) {
  for (size_t i = 0; i < kPatternCount; ++i) {
    std::string token = "[REDACTED_";
    for (char c : pattern_name(static_cast<Pattern>(i))) {
      token.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    }
    redacted_[i] = token + "]";
  }
  redacted_[index_of(Pattern::kSensitiveKey)] = kRedactedValue;
}

void Rewriter::rewrite(std::string_view text, size_t base, const Finding* findings, size_t count,
                       std::string& out) const {
  size_t pos = 0;
  for (size_t i = 0; i < count; ++i) {
    const size_t begin = findings[i].begin - base, end = findings[i].end - base;
    out.append(text.substr(pos, begin - pos));
    append_replacement(findings[i].pattern, text.substr(begin, end - begin), out);
    pos = end;
  }
  out.append(text.substr(pos));
}

Value Rewriter::replace_value(Pattern pattern, std::string_view raw) const {
  switch (policy_.action(pattern)) {
    case Action::kDrop:
      return Value();
    case Action::kPseudonymize:
      return Value(pseudonymizer_.pseudonymize(raw));
    case Action::kKeep:
      return Value(raw);
    default:
      return Value(redacted_[index_of(pattern)]);
  }
}

void Rewriter::append_replacement(Pattern pattern, std::string_view match, std::string& out) const {
  switch (policy_.action(pattern)) {
    case Action::kDrop:
      return;
    case Action::kPseudonymize:
      pseudonymizer_.append(match, out);
      return;
    case Action::kAnonymizeIp:
      // A span that is not one address (the tail left by an overlap) is redacted.
      if (ip_.append(match, out)) return;
      break;
    case Action::kKeep:  // kept patterns are never searched; listed for completeness
      out.append(match);
      return;
    case Action::kRedact:
      break;
  }
  out += redacted_[index_of(pattern)];
}

}  // namespace vigil::sanitize_detail
