#include "ingest/decoders/auditd.h"

#include <string>

#include "core/strings.h"
#include "ingest/decoders/record.h"
#include "ingest/decoders/text_cursor.h"

namespace vigil::decode {
namespace {

// auditd writes values with spaces or specials as hex (proctitle, a0..);
// NULs separate arguments.
std::optional<std::string> unhex(std::string_view s) {
  if (s.size() < 2 || s.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < s.size(); i += 2) {
    const int hi = hex_digit_value(s[i]), lo = hex_digit_value(s[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    const char c = static_cast<char>(hi * 16 + lo);
    out.push_back(c == '\0' ? ' ' : c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (!valid_utf8(out)) return std::nullopt;
  return out;
}

struct TypeMeaning {
  std::string_view type, category, event_type;
};
constexpr TypeMeaning kTypes[] = {
    {"USER_AUTH", "authentication", "info"},  {"USER_LOGIN", "authentication", "start"},
    {"USER_LOGOUT", "authentication", "end"}, {"USER_ACCT", "authentication", "info"},
    {"USER_START", "session", "start"},       {"USER_END", "session", "end"},
    {"ADD_USER", "iam", "creation"},          {"DEL_USER", "iam", "deletion"},
    {"ADD_GROUP", "iam", "creation"},         {"DEL_GROUP", "iam", "deletion"},
    {"USER_CHAUTHTOK", "iam", "change"},      {"USER_MGMT", "iam", "change"},
    {"EXECVE", "process", "start"},           {"SYSCALL", "process", "info"},
    {"USER_CMD", "process", "start"},         {"AVC", "intrusion_detection", "denied"},
    {"ANOM_ABEND", "process", "end"},         {"CRED_ACQ", "authentication", "info"},
};

void add_field(DocBuilder& doc, std::string_view key, std::string_view raw, bool quoted) {
  std::string value(raw);
  if (!quoted &&
      (key == "proctitle" || (key.size() >= 2 && key[0] == 'a' &&
                              key.find_first_not_of("0123456789", 1) == std::string_view::npos))) {
    if (auto text = unhex(raw)) value = *text;
  }
  put(doc, std::string("auditd.data.") + std::string(key), value);
  if (key == "pid") put(doc, "process.pid", value);
  if (key == "ppid") put(doc, "process.parent.pid", value);
  if (key == "uid") put(doc, "user.id", value);
  if (key == "auid") put(doc, "user.audit.id", value);
  if (key == "euid") put(doc, "user.effective.id", value);
  if (key == "exe") put(doc, "process.executable", value);
  if (key == "comm") put(doc, "process.name", value);
  if (key == "cwd") put(doc, "process.working_directory", value);
  if (key == "proctitle") put(doc, "process.command_line", value);
  if (key == "acct") put(doc, "user.name", value);
  if (key == "hostname" && value != "?") put(doc, "source.domain", value);
  if (key == "addr" && looks_like_ip(value)) put(doc, "source.ip", value);
  if (key == "key" && value != "(null)") put(doc, "tags", Value(Array{Value(value)}));
  if (key == "success") put(doc, "event.outcome", value == "yes" ? "success" : "failure");
  if (key == "res") {
    const bool ok = value == "success" || value == "1" || value == "yes";
    put(doc, "event.outcome", ok ? "success" : "failure");
  }
}

}  // namespace

std::optional<Timestamp> parse_audit_record(std::string_view line, DocBuilder& doc) {
  const size_t type_at = line.find("type=");
  if (type_at == std::string_view::npos) return std::nullopt;
  TextCursor c(line.substr(type_at + 5));
  const std::string_view type = c.word();
  c.skip_spaces();
  if (!c.eat("msg=audit(")) return std::nullopt;
  const auto stamp = c.until("):");
  if (!stamp) return std::nullopt;
  const size_t colon = stamp->find(':');
  const std::string_view secs = stamp->substr(0, colon);
  char* end = nullptr;
  const std::string secs_text(secs);
  const double epoch = std::strtod(secs_text.c_str(), &end);
  if (end == secs_text.c_str() || *end != '\0') return std::nullopt;
  put(doc, "auditd.log.record_type", type);
  if (colon != std::string_view::npos) put(doc, "auditd.log.sequence", stamp->substr(colon + 1));
  put(doc, "event.action", ascii_lower(type));
  for (const auto& m : kTypes) {
    if (m.type != type) continue;
    put(doc, "event.category", m.category);
    put(doc, "event.type", m.event_type);
    break;
  }
  if (type_at > 0) {  // "node=host type=..."
    TextCursor head(line.substr(0, type_at));
    if (head.eat("node=")) put(doc, "host.name", head.word());
  }
  std::string_view body = c.rest();
  // USER_* records nest the interesting pairs in msg='op=... acct="x" res=failed'.
  for_each_pair(body, " ", "=", [&](std::string_view key, std::string_view value) {
    if (key == "msg") {
      for_each_pair(value, " ", "=",
                    [&](std::string_view k, std::string_view v) { add_field(doc, k, v, false); });
    } else {
      const size_t at = static_cast<size_t>(value.data() - body.data());
      const bool quoted = at > 0 && (body[at - 1] == '"' || body[at - 1] == '\'');
      add_field(doc, key, value, quoted);
    }
  });
  return from_epoch_number(epoch);
}

}  // namespace vigil::decode
