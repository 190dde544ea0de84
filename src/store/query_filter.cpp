#include "store/query_filter.h"

#include <fmt/format.h>
#include <xxhash.h>

#include "store/posting_codec.h"

namespace vigil::store {

bool QueryFilter::matches_row(int64_t severity, std::string_view event_type_value,
                              std::string_view user_value, std::string_view source_ip_value) const {
  return severity >= min_severity && (event_type.empty() || event_type == event_type_value) &&
         (user.empty() || user == user_value) &&
         (source_ip.empty() || source_ip == source_ip_value);
}

QueryFilter make_query_filter(const EventQuery& q) {
  QueryFilter f;
  if (q.from) f.from = q.from->micros;
  if (q.to) f.to = q.to->micros;
  f.event_type = q.event_type;
  f.user = q.user;
  f.source_ip = q.source_ip;
  // Most selective first: source IPs and users usually narrow more than event types, and
  // an empty first list ends a block's lookup early.
  if (!q.source_ip.empty()) f.term_groups.push_back({term_of(TermField::kSourceIp, q.source_ip)});
  if (!q.user.empty()) f.term_groups.push_back({term_of(TermField::kUser, q.user)});
  if (!q.event_type.empty()) {
    f.term_groups.push_back({term_of(TermField::kEventType, q.event_type)});
  }
  if (q.min_severity && *q.min_severity != Severity::kInfo) {
    f.min_severity = static_cast<int>(*q.min_severity);
    std::vector<int64_t> levels;
    for (int s = f.min_severity; s < kSeverityCount; ++s) {
      levels.push_back(severity_term(static_cast<Severity>(s)));
    }
    f.term_groups.push_back(std::move(levels));
  }
  return f;
}

uint64_t query_fingerprint(const EventQuery& q) {
  // Lengths make the encoding unambiguous ("ab"+"c" differs from "a"+"bc").
  const std::string canonical =
      fmt::format("{}|{}|{}:{}|{}:{}|{}:{}|{}", q.from ? fmt::format("{}", q.from->micros) : "-",
                  q.to ? fmt::format("{}", q.to->micros) : "-", q.event_type.size(), q.event_type,
                  q.user.size(), q.user, q.source_ip.size(), q.source_ip,
                  q.min_severity ? static_cast<int>(*q.min_severity) : 0);
  return XXH3_64bits(canonical.data(), canonical.size());
}

}  // namespace vigil::store
