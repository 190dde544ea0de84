// Writes findings out per policy: "[REDACTED_<PATTERN>]", a keyed pseudonym,
// an anonymized IP, or nothing (drop).
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "core/value.h"
#include "sanitize/ip_anonymizer.h"
#include "sanitize/pattern.h"
#include "sanitize/policy.h"
#include "sanitize/pseudonymizer.h"

namespace vigil::sanitize_detail {

class Rewriter {
 public:
  // Values of sensitive keys are redacted as "[REDACTED]": the key already
  // says what was there.
  static constexpr std::string_view kRedactedValue = "[REDACTED]";

  Rewriter(const Policy& policy, const Pseudonymizer& pseudonymizer, const IpAnonymizer& ip);

  // Appends `text` with its findings replaced; finding offsets are relative to
  // `base` (the text's offset in the scan buffer).
  void rewrite(std::string_view text, size_t base, const Finding* findings, size_t count,
               std::string& out) const;
  // A whole value replaced for `pattern` (a sensitive key's value, a card
  // number): `raw` is its text. Drop gives null.
  Value replace_value(Pattern pattern, std::string_view raw) const;

 private:
  void append_replacement(Pattern pattern, std::string_view match, std::string& out) const;

  const Policy& policy_;
  const Pseudonymizer& pseudonymizer_;
  const IpAnonymizer& ip_;
  std::array<std::string, kPatternCount> redacted_;
};

}  // namespace vigil::sanitize_detail
