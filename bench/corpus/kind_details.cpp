// The per-type fields of an event: what was accessed, queried or granted.
#include <algorithm>
#include <cmath>

#include "corpus/corpus_generator.h"
#include "corpus/pii.h"
#include "corpus/vocab.h"

namespace vigil::bench {
namespace {

constexpr std::string_view kActions[] = {"read", "download", "export", "share"};
constexpr std::string_view kOtherTypes[] = {"vpn_connect",     "file_upload",    "mfa_enroll",
                                            "api_key_created", "firewall_block", "process_start",
                                            "dns_query"};
// Long-tail application event types, beyond metrics.max_event_type_labels.
constexpr int kAppEventTypes = 200;

void pick_permissions(Rng& rng, std::vector<std::string_view>& out, size_t max) {
  // Everything but "admin" (the last entry), which the caller adds on purpose.
  const auto perms = vocab::kPermissions.first(vocab::kPermissions.size() - 1);
  const size_t n = 1 + rng.below(max);
  for (size_t i = 0; i < n; ++i) {
    const std::string_view p = rng.pick(perms);
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  }
}

void fill_query(Rng& rng, std::string& q) {
  const std::string_view tpl = rng.pick(vocab::kQueries);
  for (size_t i = 0; i < tpl.size(); ++i) {
    if (tpl[i] == '%' && i + 1 < tpl.size() && (tpl[i + 1] == 'T' || tpl[i + 1] == 'N')) {
      if (tpl[i + 1] == 'T') {
        q += rng.pick(vocab::kTables);
      } else {
        q += std::to_string(rng.range(1, 9'999'999));
      }
      ++i;
    } else {
      q.push_back(tpl[i]);
    }
  }
}

}  // namespace

void CorpusGenerator::fill_kind_details() {
  ev_.http_status = 200;
  switch (ev_.kind) {
    case Kind::kAuthSuccess:
      ev_.auth_method = rng_.pick(vocab::kAuthMethods);
      set_severity("info");
      break;
    case Kind::kAuthFailure:
      ev_.auth_method = rng_.pick(vocab::kAuthMethods);
      ev_.failure_reason = rng_.pick(vocab::kFailureReasons);
      ev_.http_status = 401;
      // Some applications log the rejected password itself: a sensitive key.
      if (rng_.chance(0.15)) ev_.attempted_password = rng_.pick(vocab::kPasswords);
      set_severity("low");
      break;
    case Kind::kPermissionChange: {
      ev_.target = &pick_user();
      pick_permissions(rng_, ev_.old_permissions, 2);
      pick_permissions(rng_, ev_.new_permissions, 3);
      const bool admin = rng_.chance(0.1);
      if (admin) ev_.new_permissions.push_back("admin");
      set_severity(admin ? "high" : "medium");
      break;
    }
    case Kind::kDataAccess: {
      ev_.resource = rng_.pick(vocab::kResources);
      const size_t n = rng_.chance(0.6) ? 0 : 1 + rng_.below(3);
      for (size_t i = 0; i < n; ++i) ev_.accessed_resources.push_back(rng_.pick(vocab::kResources));
      // Log-uniform from ~400 B to ~24 MB, plus a few transfers over the seed's 100 MB line.
      ev_.data_volume_bytes = rng_.chance(0.005)
                                  ? static_cast<uint64_t>(rng_.range((100ll << 20) + 1, 5ll << 30))
                                  : static_cast<uint64_t>(std::exp(6.0 + 11.0 * rng_.unit()));
      ev_.action = rng_.pick(std::span<const std::string_view>(kActions));
      if (rng_.chance(0.03)) ev_.http_status = 403;
      set_severity("info");
      break;
    }
    case Kind::kDatabaseQuery:
      ev_.database = rng_.pick(vocab::kDatabases);
      if (rng_.chance(0.005)) {
        ev_.query = rng_.pick(vocab::kInjections);  // through a vulnerable app, from inside
      } else {
        fill_query(rng_, ev_.query);
      }
      ev_.rows = static_cast<uint32_t>(rng_.below(rng_.chance(0.9) ? 100 : 1'000'000));
      ev_.duration_ms = static_cast<uint32_t>(1 + rng_.below(rng_.chance(0.95) ? 50 : 30'000));
      set_severity("info");
      break;
    case Kind::kLogout:
      set_severity("info");
      break;
    case Kind::kPasswordReset:
      set_severity("low");
      break;
    case Kind::kOther:
      if (rng_.chance(0.05)) {
        ev_.other_type = "app_event_" + std::to_string(rng_.below(kAppEventTypes));
      } else {
        ev_.other_type = rng_.pick(std::span<const std::string_view>(kOtherTypes));
      }
      ev_.resource = rng_.pick(vocab::kResources);
      set_severity("info");
      break;
  }
  if (rng_.chance(0.05)) {
    ev_.authorization = "Bearer ";
    append_jwt(rng_, ev_.authorization);
  }
}

}  // namespace vigil::bench
