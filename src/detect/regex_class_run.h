// A necessary condition of a regular expression (RE2 syntax) read from the
// pattern alone: a run of at least n consecutive bytes of one class, from a
// repeated class at the top level of the pattern (`[a-fA-F0-9]{64}`). SigmaHQ's
// *SNAKE Malware Installer CLI Arguments* regex,
// `\s[a-fA-F0-9]{64}\s[a-fA-F0-9]{16}`, has no literal to gate it and ran on
// every process command line (~3 k instructions an event of RE2 on the
// regression events); a run of 64 hex digits is looked for at about one
// byte in 64.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace vigil::sigma {

struct ClassRun {
  std::array<bool, 256> bytes{};  // the class, by byte
  size_t length = 0;              // 0: no run required

  // Whether `text` has `length` consecutive bytes of the class. Probes one
  // byte in `length` while they are outside the class (Boyer-Moore-like).
  bool found_in(std::string_view text) const;
};

// The longest run a match must contain, from a class (`[...]`, `\d`, `\w`,
// `\s`) repeated at least n times (`{n}`, `{n,}`, `{n,m}`) outside any group,
// in a pattern without `|` outside groups; length 0 when there is none or the
// pattern has something it does not read. Counts bytes: a class of ASCII
// characters matches one byte a character; a class that names a non-ASCII
// character, a negated class and, when matching ignores case (Unicode folds
// `k` and `s` to non-ASCII letters), every class take in every byte from 0x80
// up, so the run holds for any UTF-8 text.
ClassRun regex_class_run(std::string_view pattern, bool case_sensitive);

}  // namespace vigil::sigma
