// Which STIX comparisons become indicators: positive equality ('=' or IN) on
// ipv4-addr/ipv6-addr/domain-name/url/email-addr values, file hashes
// (MD5, SHA-1, SHA-256, SHA-512), and references that name an address or
// host (domain-name:resolves_to_refs[*].value, email-message:from_ref.value).
// Every such comparison is taken, also under AND: vigil matches single
// observables, so "[file:name = 'x' AND file:hashes.MD5 = 'y']" yields the MD5
// (an over-match by design, written down in docs/intel.md). Negated
// comparisons, other operators and other object types are not indicators.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "intel/indicator.h"
#include "intel/stix_pattern.h"

namespace vigil::intel {

struct StixObservable {
  std::string value;
  std::optional<IndicatorType> type;  // nullopt: infer from the value
};

std::vector<StixObservable> translate_stix_pattern(const StixPattern& pattern);

}  // namespace vigil::intel
