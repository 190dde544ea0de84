#include "corpus/messages.h"

#include <fmt/format.h>

#include "corpus/pii.h"
#include "corpus/vocab.h"

namespace vigil::bench {
namespace {

using Out = std::back_insert_iterator<std::string>;

// One sentence with personal data or a secret in it.
void append_sensitive(Rng& rng, const SyntheticEvent& ev, std::string& m) {
  switch (rng.below(8)) {
    case 0:
      fmt::format_to(Out(m), "; contact {} for details",
                     ev.email.empty() ? "it-help@example.com" : ev.email);
      break;
    case 1:
      m += "; customer SSN ";
      append_ssn(rng, m);
      m += " verified";
      break;
    case 2:
      m += "; payment card ";
      append_card_number(rng, m);
      m += " charged";
      break;
    case 3:
      m += "; order number ";
      append_order_number(rng, m);  // not a card: must survive sanitizing
      m += " shipped";
      break;
    case 4:
      fmt::format_to(Out(m), "; login form body user={}&password={}", ev.user_name,
                     rng.pick(vocab::kPasswords));
      break;
    case 5:
      m += "; Authorization: Bearer ";
      append_jwt(rng, m);
      break;
    case 6:
      m += "; api_key=";
      append_api_key(rng, m);
      break;
    default:
      m += "; callback number ";
      append_phone(rng, m);
  }
}

}  // namespace

void compose_message(Rng& rng, SyntheticEvent& ev) {
  std::string& m = ev.message;
  switch (ev.kind) {
    case Kind::kAuthSuccess:
      fmt::format_to(Out(m), "Accepted {} for {} from {} port {}", ev.auth_method, ev.user_name,
                     ev.ip, ev.port);
      break;
    case Kind::kAuthFailure:
      fmt::format_to(Out(m), "Failed {} for {} from {} port {}: {}", ev.auth_method, ev.user_name,
                     ev.ip, ev.port, ev.failure_reason);
      break;
    case Kind::kPermissionChange:
      fmt::format_to(Out(m), "{} granted [{}] to {}", ev.user_name,
                     fmt::join(ev.new_permissions, ","), ev.target ? ev.target->name : "?");
      break;
    case Kind::kDataAccess:
      fmt::format_to(Out(m), "{} {} {} ({} bytes)", ev.user_name, ev.action, ev.resource,
                     ev.data_volume_bytes);
      break;
    case Kind::kDatabaseQuery:
      fmt::format_to(Out(m), "query on {} by {} returned {} rows in {} ms", ev.database,
                     ev.user_name, ev.rows, ev.duration_ms);
      break;
    case Kind::kLogout:
      fmt::format_to(Out(m), "session {} closed for {}", ev.session, ev.user_name);
      break;
    case Kind::kPasswordReset:
      fmt::format_to(Out(m), "password reset requested for {} from {}", ev.user_name, ev.ip);
      break;
    case Kind::kOther:
      fmt::format_to(Out(m), "{} by {} on {}", ev.other_type, ev.user_name, ev.host);
      break;
  }
  if (rng.chance(0.35)) append_sensitive(rng, ev, m);
}

}  // namespace vigil::bench
