// The messages Linux authentication programs write through syslog — sshd,
// PAM (pam_unix), sudo, su, login, useradd/usermod/userdel/groupadd/passwd —
// to ECS: event.category authentication|session|iam|process, event.action,
// event.outcome, user.name, source.ip, source.port.
//
// One failed attempt is one event with event.outcome failure (sshd's
// "Failed ..." line, PAM's failure line). The lines around it that repeat
// the same attempt ("Invalid user", "input_userauth_request", "check pass;
// user unknown", "PAM N more authentication failures", "Too many
// authentication failures") keep category authentication with outcome
// unknown, so counting failures does not count one attempt several times.
#pragma once

#include <string_view>

#include "ingest/decoders/record.h"

namespace vigil::decode {

// Adds the fields of a recognised message to `doc` and returns true; returns
// false for a message the program's grammar does not know (the doc then has
// at most log.level).
// `program` is the syslog tag ("sshd", "sudo", "sshd(pam_unix)", ...).
bool decode_auth_message(std::string_view program, std::string_view message, DocBuilder& doc);

// sshd's own messages (what `--format sshd` reads when lines have no header).
bool decode_sshd_message(std::string_view message, DocBuilder& doc);

}  // namespace vigil::decode
