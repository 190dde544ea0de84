// One generated event before it is written out: what happened, to whom,
// from where. The same event can be rendered in the seed's flat schema or
// as ECS, so both shapes carry the same scenarios.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "corpus/population.h"

namespace vigil::bench {

enum class Kind : uint8_t {
  kAuthSuccess,
  kAuthFailure,
  kPermissionChange,
  kDataAccess,
  kDatabaseQuery,
  kLogout,
  kPasswordReset,
  kOther,  // type name in `other_type`
};

std::string_view kind_name(Kind k);

struct SyntheticEvent {
  Kind kind = Kind::kOther;
  std::string other_type;
  int64_t micros = 0;
  int offset_minutes = 0;  // time zone the source wrote the timestamp in

  // Actor. user_name/user_id differ from the population for unknown users
  // tried during password spraying.
  std::string_view user_name;
  std::string_view user_id;
  std::string_view email;
  std::string_view ip;
  uint16_t port = 0;
  std::string_view user_agent;
  std::string_view host;
  std::string_view session;
  std::string_view department;
  std::string_view severity;  // empty = field absent

  std::string_view auth_method;
  std::string_view failure_reason;
  std::string attempted_password;  // a sensitive key's value, when the source logged one
  std::string authorization;       // "Bearer ...", when the source logged headers

  std::string_view resource;
  std::vector<std::string_view> accessed_resources;
  uint64_t data_volume_bytes = 0;
  std::string_view action;

  std::string_view database;
  std::string query;
  uint32_t rows = 0;
  uint32_t duration_ms = 0;

  const User* target = nullptr;
  std::vector<std::string_view> new_permissions;
  std::vector<std::string_view> old_permissions;

  int http_status = 0;
  std::string message;

  void reset();
};

}  // namespace vigil::bench
