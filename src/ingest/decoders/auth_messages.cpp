#include "ingest/decoders/auth_messages.h"

#include "ingest/decoders/record.h"
#include "ingest/decoders/text_cursor.h"

namespace vigil::decode {
namespace {

// ECS categorisation in one call: category, type, action, outcome ("" = unset).
void classify(DocBuilder& doc, std::string_view category, std::string_view type,
              std::string_view action, std::string_view outcome) {
  put(doc, "event.category", category);
  put(doc, "event.type", type);
  put(doc, "event.action", action);
  if (!outcome.empty()) put(doc, "event.outcome", outcome);
}

void put_source(DocBuilder& doc, std::string_view host, std::string_view port = {}) {
  if (looks_like_ip(host)) {
    put(doc, "source.ip", host);
  } else if (!host.empty()) {
    put(doc, "source.domain", host);
  }
  if (auto p = to_int(port); p && *p >= 0 && *p <= 65535) put(doc, "source.port", *p);
}

// "<user> from <ip> port <port> <protocol>" (after "Failed password for ").
bool user_from_ip_port(TextCursor& c, DocBuilder& doc) {
  if (c.eat("invalid user ")) put(doc, "system.auth.ssh.invalid_user", true);
  // A user name may contain spaces in hostile input: the address follows the last " from ".
  const std::string_view rest = c.rest();
  const size_t from = rest.rfind(" from ");
  if (from == std::string_view::npos) return false;
  put(doc, "user.name", rest.substr(0, from));
  TextCursor tail(rest.substr(from + 6));
  const std::string_view ip = tail.word();
  std::string_view port;
  if (tail.rest().substr(0, 6) == " port ") {
    tail.word();
    port = tail.word();
  }
  put_source(doc, ip, port);
  return !ip.empty();
}

// "Failed password for ..." / "Accepted publickey for ...: RSA SHA256:..."
bool ssh_login(TextCursor& c, bool accepted, DocBuilder& doc) {
  const std::string_view method = c.word();
  if (method.empty() || !c.eat(" for ")) return false;
  TextCursor body(c.rest());
  std::string_view line = body.rest();
  if (accepted) {
    // The key fingerprint follows ": " after the protocol.
    if (const size_t colon = line.find(": "); colon != std::string_view::npos) {
      put(doc, "system.auth.ssh.signature", line.substr(colon + 2));
      line = line.substr(0, colon);
    }
  }
  TextCursor fields(strip_trailer(line));
  if (!user_from_ip_port(fields, doc)) return false;
  classify(doc, "authentication", accepted ? "start" : "info", "ssh_login",
           accepted ? "success" : "failure");
  put(doc, "system.auth.ssh.method", method);
  put(doc, "system.auth.ssh.event", accepted ? "Accepted" : "Failed");
  return true;
}

// "from <ip>[ port <port>]" anywhere after the current position.
void trailing_source(std::string_view s, DocBuilder& doc) {
  TextCursor c(strip_trailer(s));
  const std::string_view host = c.word();
  std::string_view port;
  if (c.eat(" port ")) port = c.word();
  put_source(doc, host, port);
}

// "logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4  user=root"
void pam_fields(std::string_view s, DocBuilder& doc) {
  TextCursor c(s);
  while (!c.done()) {
    const std::string_view kv = c.word();
    const size_t eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = kv.substr(0, eq), value = kv.substr(eq + 1);
    if (value.empty()) continue;
    if (key == "rhost") put_source(doc, value);
    if (key == "user") put(doc, "user.name", value);
    if (key == "ruser") put(doc, "source.user.name", value);
    if (key == "tty") put(doc, "process.tty.name", value);
  }
}

bool pam_message(std::string_view service, std::string_view message, DocBuilder& doc) {
  if (!service.empty()) put(doc, "pam.service", service);
  TextCursor c(strip_trailer(message));
  if (c.eat("authentication failure;")) {
    classify(doc, "authentication", "info", "pam_authentication", "failure");
    pam_fields(c.rest(), doc);
    return true;
  }
  if (c.eat("check pass; user unknown")) {
    classify(doc, "authentication", "info", "pam_user_unknown", "unknown");
    return true;
  }
  if (c.eat("session opened for user ")) {
    std::string_view user = c.word();
    if (const size_t paren = user.find('('); paren != std::string_view::npos)
      user = user.substr(0, paren);  // "alice(uid=1000)"
    classify(doc, "session", "start", "session_opened", "success");
    put(doc, "user.name", user);
    return true;
  }
  if (c.eat("session closed for user ")) {
    classify(doc, "session", "end", "session_closed", "success");
    put(doc, "user.name", c.word());
    return true;
  }
  if (c.eat("password changed for ")) {
    classify(doc, "iam", "change", "password_changed", "success");
    put(doc, "user.name", c.word());
    return true;
  }
  if (c.eat("auth could not identify password for [")) {
    classify(doc, "authentication", "info", "pam_authentication", "failure");
    if (auto u = c.until("]")) put(doc, "user.name", *u);
    return true;
  }
  return false;
}

bool sshd_pam_summary(TextCursor& c, DocBuilder& doc) {
  // "PAM 4 more authentication failures; logname= ... rhost=1.2.3.4"
  const auto n = to_int(c.word());
  if (!n || !c.eat(" more authentication failure")) return false;
  c.eat("s");
  c.eat(";");
  classify(doc, "authentication", "info", "pam_more_failures", "unknown");
  put(doc, "pam.more_failures", *n);
  pam_fields(c.rest(), doc);
  return true;
}

bool break_in(std::string_view m, DocBuilder& doc) {
  if (m.find("POSSIBLE BREAK-IN ATTEMPT") == std::string_view::npos) return false;
  classify(doc, "intrusion_detection", "info", "ssh_possible_break_in", "");
  TextCursor c(m);
  if (c.eat("reverse mapping checking getaddrinfo for ")) {
    put(doc, "source.domain", c.word());
    std::string_view bracketed = c.word();  // "[1.2.3.4]"
    if (bracketed.size() > 2 && bracketed.front() == '[' && bracketed.back() == ']')
      put_source(doc, bracketed.substr(1, bracketed.size() - 2));
  } else if (c.eat("Address ")) {  // "Address 1.2.3.4 maps to host, but this does not ..."
    put_source(doc, c.word());
    if (c.eat(" maps to ")) {
      std::string_view host = c.word();
      if (!host.empty() && host.back() == ',') host.remove_suffix(1);
      put(doc, "source.domain", host);
    }
  }
  return true;
}

bool sshd_disconnect(TextCursor& c, DocBuilder& doc) {
  if (c.eat("Received disconnect from ")) {
    std::string_view m = c.rest();
    // "<ip>[ port <p>]: <code>: <reason>"
    const size_t colon = m.find(": ");
    trailing_source(m.substr(0, colon), doc);
    if (colon != std::string_view::npos) {
      std::string_view rest = strip_trailer(m.substr(colon + 2));
      const size_t c2 = rest.find(": ");
      if (c2 != std::string_view::npos) {
        put(doc, "event.code", rest.substr(0, c2));
        rest = rest.substr(c2 + 2);
      }
      put(doc, "event.reason", rest);
    }
  } else if (c.eat("Connection closed by ") || c.eat("Connection reset by ") ||
             c.eat("Disconnected from ")) {
    if (c.eat("authenticating user ") || c.eat("invalid user ") || c.eat("user ")) {
      put(doc, "user.name", c.word());
      c.skip_spaces();
    }
    trailing_source(c.rest(), doc);
  } else {
    return false;
  }
  classify(doc, "network", "end", "ssh_disconnect", "");
  return true;
}

bool sshd_too_many(TextCursor& c, DocBuilder& doc) {
  if (c.eat("Disconnecting: Too many authentication failures")) {
    if (c.eat(" for ")) {
      c.eat("invalid user ");
      put(doc, "user.name", strip_trailer(c.rest()));
    }
  } else if (c.eat("error: maximum authentication attempts exceeded for ") ||
             c.eat("maximum authentication attempts exceeded for ")) {
    TextCursor fields(strip_trailer(c.rest()));
    user_from_ip_port(fields, doc);
  } else if (c.eat("Disconnecting invalid user ") || c.eat("Disconnecting authenticating user ")) {
    put(doc, "user.name", c.word());
    const std::string_view host = c.word();
    std::string_view port;
    if (c.eat(" port ")) port = c.word();
    put_source(doc, host, port);
  } else {
    return false;
  }
  classify(doc, "authentication", "end", "ssh_too_many_failures", "unknown");
  return true;
}

}  // namespace

bool decode_sshd_message(std::string_view message, DocBuilder& doc) {
  TextCursor c(message);
  if (c.eat("error: ")) {  // "error: Received disconnect from ...": same grammar after it
    put(doc, "log.level", "error");
    message = c.rest();
  }
  if (c.eat("Failed ")) return ssh_login(c, false, doc);
  if (c.eat("Accepted ")) return ssh_login(c, true, doc);
  if (c.eat("Invalid user ") || c.eat("Illegal user ")) {
    // "Invalid user admin from 1.2.3.4[ port 22]"; the name may be empty or hold spaces.
    const std::string_view rest = strip_trailer(c.rest());
    const size_t from = rest.rfind(" from ");
    if (from == std::string_view::npos) return false;
    classify(doc, "authentication", "info", "ssh_invalid_user", "unknown");
    put(doc, "user.name", rest.substr(0, from));
    put(doc, "system.auth.ssh.invalid_user", true);
    trailing_source(rest.substr(from + 6), doc);
    return true;
  }
  if (c.eat("input_userauth_request: invalid user ")) {
    classify(doc, "authentication", "info", "ssh_invalid_user_request", "unknown");
    put(doc, "user.name", strip_trailer(c.rest()));
    return true;
  }
  if (c.eat("pam_unix(")) {  // "pam_unix(sshd:auth): authentication failure; ..."
    const auto service = c.until("): ");
    if (!service) return false;
    return pam_message(service->substr(0, service->find(':')), c.rest(), doc);
  }
  if (c.eat("PAM ")) {
    if (c.eat("service(")) {  // "PAM service(sshd) ignoring max retries; 5 > 3"
      classify(doc, "authentication", "info", "pam_ignoring_max_retries", "");
      return true;
    }
    return sshd_pam_summary(c, doc);
  }
  if (break_in(message, doc)) return true;
  if (sshd_disconnect(c, doc)) return true;
  if (sshd_too_many(c, doc)) return true;
  if (c.eat("Did not receive identification string from ")) {
    classify(doc, "network", "info", "ssh_no_identification", "failure");
    trailing_source(c.rest(), doc);
    return true;
  }
  if (c.eat("Connection from ")) {  // "Connection from 1.2.3.4 port 5 on 10.0.0.1 port 22"
    classify(doc, "network", "start", "ssh_connection", "");
    trailing_source(c.rest().substr(0, c.rest().find(" on ")), doc);
    return true;
  }
  return false;
}

namespace {

// "alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls -l"
bool sudo_message(std::string_view message, DocBuilder& doc) {
  TextCursor c(message);
  c.skip_spaces();
  const auto user = c.until(" : ");
  if (!user) return false;
  put(doc, "user.name", *user);
  std::string_view rest = c.rest();
  bool failure = false;
  // Problems come first: "3 incorrect password attempts ; TTY=...", "user NOT in sudoers ; ..."
  if (rest.substr(0, 4) != "TTY=" && rest.substr(0, 4) != "PWD=" && rest.substr(0, 5) != "HOST=") {
    const size_t semi = rest.find(" ; ");
    put(doc, "event.reason", rest.substr(0, semi));
    failure = true;
    rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 3);
  }
  while (!rest.empty()) {
    const size_t semi = rest.find(" ; ");
    // COMMAND= is last and may itself contain " ; ".
    const bool command = rest.substr(0, 8) == "COMMAND=";
    const std::string_view item =
        command || semi == std::string_view::npos ? rest : rest.substr(0, semi);
    rest = command || semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 3);
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = item.substr(0, eq), value = item.substr(eq + 1);
    if (key == "TTY") put(doc, "process.tty.name", value);
    if (key == "PWD") put(doc, "process.working_directory", value);
    if (key == "USER") put(doc, "user.effective.name", value);
    if (key == "COMMAND") put(doc, "process.command_line", value);
  }
  if (failure) {
    classify(doc, "authentication", "info", "sudo_failure", "failure");
  } else {
    classify(doc, "process", "start", "sudo_command", "success");
  }
  return true;
}

bool su_message(std::string_view message, DocBuilder& doc) {
  TextCursor c(message);
  const bool ok = c.eat("Successful su for ");
  if (ok || c.eat("FAILED su for ")) {  // "FAILED su for root by alice"
    put(doc, "user.target.name", c.word());
    if (c.eat(" by ")) put(doc, "user.name", c.word());
    classify(doc, "authentication", "start", "su", ok ? "success" : "failure");
    return true;
  }
  if (c.eat("(to ")) {  // util-linux: "(to root) alice on pts/0"
    if (auto target = c.until(") ")) put(doc, "user.target.name", *target);
    put(doc, "user.name", c.word());
    classify(doc, "authentication", "start", "su", "success");
    return true;
  }
  const bool plus = c.eat("+ ");
  if (plus || c.eat("- ")) {  // "+ pts/0 alice:root"
    put(doc, "process.tty.name", c.word());
    const std::string_view pair = c.word();
    const size_t colon = pair.find(':');
    if (colon == std::string_view::npos) return false;
    put(doc, "user.name", pair.substr(0, colon));
    put(doc, "user.target.name", pair.substr(colon + 1));
    classify(doc, "authentication", "start", "su", plus ? "success" : "failure");
    return true;
  }
  return false;
}

// "key=value, key=value" as useradd/groupadd write them.
void comma_fields(std::string_view s, DocBuilder& doc, bool group) {
  while (!s.empty()) {
    const size_t comma = s.find(", ");
    const std::string_view item = s.substr(0, comma);
    s = comma == std::string_view::npos ? std::string_view() : s.substr(comma + 2);
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = item.substr(0, eq), value = item.substr(eq + 1);
    if (key == "name") put(doc, group ? "group.name" : "user.name", value);
    if (key == "UID") put(doc, "user.id", value);
    if (key == "GID") put(doc, "group.id", value);
    if (key == "home") put(doc, "user.home", value);
    if (key == "shell") put(doc, "user.shell", value);
  }
}

// The text between the first pair of single quotes: "delete user 'bob'".
std::string_view quoted(std::string_view s, size_t from = 0) {
  const size_t a = s.find('\'', from);
  if (a == std::string_view::npos) return {};
  const size_t b = s.find('\'', a + 1);
  return b == std::string_view::npos ? std::string_view() : s.substr(a + 1, b - a - 1);
}

bool account_message(std::string_view program, std::string_view message, DocBuilder& doc) {
  TextCursor c(message);
  if (c.eat("new user: ")) {
    classify(doc, "iam", "creation", "user_created", "success");
    comma_fields(c.rest(), doc, false);
    return true;
  }
  if (c.eat("new group: ")) {
    classify(doc, "iam", "creation", "group_created", "success");
    comma_fields(c.rest(), doc, true);
    return true;
  }
  if (c.eat("delete user ")) {
    classify(doc, "iam", "deletion", "user_deleted", "success");
    put(doc, "user.name", quoted(message));
    return true;
  }
  if (c.eat("removed group ") || c.eat("group deleted")) {
    classify(doc, "iam", "deletion", "group_deleted", "success");
    if (auto g = quoted(message); !g.empty()) put(doc, "group.name", g);
    return true;
  }
  if (c.eat("add ")) {  // "add 'bob' to group 'sudo'", "add 'bob' to shadow group 'sudo'"
    const std::string_view user = quoted(message);
    const size_t after = message.find(" to ");
    if (user.empty() || after == std::string_view::npos) return false;
    classify(doc, "iam", "change", "user_added_to_group", "success");
    put(doc, "user.name", user);
    put(doc, "group.name", quoted(message, after));
    return true;
  }
  if (c.eat("user ")) {  // gpasswd -a: "user bob added by root to group sudo"
    const std::string_view user = c.word();
    c.skip_spaces();
    if (!c.eat("added by ")) return false;
    c.word();  // who added
    c.skip_spaces();
    if (!c.eat("to group ")) return false;
    classify(doc, "iam", "change", "user_added_to_group", "success");
    put(doc, "user.name", user);
    put(doc, "group.name", c.word());
    return true;
  }
  if (c.eat("change user ") || c.eat("lock user ") || c.eat("unlock user ")) {
    classify(doc, "iam", "change", "user_changed", "success");
    put(doc, "user.name", quoted(message));
    put(doc, "event.reason", message);
    return true;
  }
  if (program == "passwd" || program == "chpasswd") {
    if (c.eat("password for '") || c.eat("password changed for ")) {
      classify(doc, "iam", "change", "password_changed", "success");
      std::string_view user = c.word();
      if (!user.empty() && user.back() == '\'') user.remove_suffix(1);
      put(doc, "user.name", user);
      return true;
    }
  }
  return false;
}

bool login_message(std::string_view message, DocBuilder& doc) {
  TextCursor c(message);
  if (c.eat("ROOT LOGIN ON ")) {  // also "-- root[2421]: ROOT LOGIN ON tty2"
    classify(doc, "authentication", "start", "login", "success");
    put(doc, "user.name", "root");
    put(doc, "process.tty.name", c.word());
    return true;
  }
  if (c.eat("FAILED LOGIN ")) {  // "FAILED LOGIN 1 FROM tty1 FOR bob, Authentication failure"
    classify(doc, "authentication", "start", "login", "failure");
    if (c.until(" FOR ")) {
      std::string_view rest = c.rest();
      put(doc, "user.name", rest.substr(0, rest.find(',')));
    }
    return true;
  }
  return false;
}

bool is_one_of(std::string_view p, std::initializer_list<std::string_view> names) {
  for (auto n : names) {
    if (p == n) return true;
  }
  return false;
}

}  // namespace

bool decode_auth_message(std::string_view program, std::string_view message, DocBuilder& doc) {
  // "sshd(pam_unix)", "su(pam_unix)": PAM messages logged under the service.
  if (const size_t paren = program.find("(pam_unix)"); paren != std::string_view::npos)
    return pam_message(program.substr(0, paren), message, doc);
  if (message.substr(0, 9) == "pam_unix(") {
    TextCursor c(message.substr(9));
    const auto service = c.until("): ");
    if (!service) return false;
    return pam_message(service->substr(0, service->find(':')), c.rest(), doc);
  }
  if (program == "sshd" || program.substr(0, 5) == "sshd-")
    return decode_sshd_message(message, doc);
  if (program == "sudo") return sudo_message(message, doc);
  if (program == "su") return su_message(message, doc);
  if (program == "login" || message.substr(0, 14) == "ROOT LOGIN ON ")
    return login_message(message, doc);
  if (is_one_of(program, {"useradd", "usermod", "userdel", "groupadd", "groupdel", "groupmod",
                          "passwd", "chpasswd", "gpasswd", "adduser", "deluser"})) {
    return account_message(program, message, doc);
  }
  return false;
}

}  // namespace vigil::decode
