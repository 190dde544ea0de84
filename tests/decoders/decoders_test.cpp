// Decoder behaviour on hand-written lines: the syslog header variants, year
// inference, each auth program's grammar, web log edge cases, declared
// decoders, the Windows JSON shapes, and hostile input (binary, invalid
// UTF-8, 1 MiB lines).
#include <gtest/gtest.h>

#include <array>

#include "core/field_path.h"
#include "ingest/decoders/decoder.h"
#include "ingest/decoders/record.h"
#include "ingest/decoders/syslog_header.h"
#include "ingest/decoders/web_log.h"

namespace vigil {
namespace {

// 2026-01-02T03:04:05Z: early January, to exercise December-in-January.
constexpr Timestamp kJan2{1'767'323'045'000'000};

DecodeResult run(const std::string& decoder, std::string_view text,
                 std::vector<DeclaredDecoderConfig> declared = {}, int year = 0) {
  DecoderCatalog catalog;
  catalog.declared = std::move(declared);
  catalog.year = year;
  auto d = make_decoder(decoder, catalog);
  EXPECT_TRUE(d.has_value()) << (d ? "" : d.error().message);
  DecodeResult out;
  if (d) (*d)->decode(text, 1, kJan2, out);
  return out;
}

std::string field(const Event& e, std::string_view path) {
  const Value* v = FieldPath(path).find(e.doc);
  if (v == nullptr) return "<absent>";
  if (v->is_string()) return v->as_string();
  if (v->kind() == Value::Kind::kInt) return std::to_string(v->as_int());
  if (v->is_bool()) return v->as_bool() ? "true" : "false";
  return "<other>";
}

TEST(SyslogHeader, YearIsInferredSoDecemberReadInJanuaryIsLastYear) {
  const auto r = run("syslog", "Dec 31 23:59:58 host app: bye\nJan  2 03:00:00 host app: hi\n");
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(format_rfc3339(r.events[0].time), "2025-12-31T23:59:58.000000Z");
  EXPECT_EQ(format_rfc3339(r.events[1].time), "2026-01-02T03:00:00.000000Z");
  const auto fixed = run("syslog", "Dec 31 23:59:58 host app: bye\n", {}, 2019);
  EXPECT_EQ(format_rfc3339(fixed.events[0].time), "2019-12-31T23:59:58.000000Z");
}

TEST(SyslogHeader, Rfc5424WithStructuredDataAndBom) {
  const auto r = run("syslog",
                     "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 "
                     "[exampleSDID@32473 iut=\"3\" eventSource=\"App\\]\"] \xEF\xBB\xBF"
                     "FAILED su for root by alice\n");
  ASSERT_EQ(r.events.size(), 1u);
  const Event& e = r.events[0];
  EXPECT_EQ(format_rfc3339(e.time), "2003-10-11T22:14:15.003000Z");
  EXPECT_EQ(field(e, "host.hostname"), "mymachine.example.com");
  EXPECT_EQ(field(e, "process.name"), "su");
  EXPECT_EQ(field(e, "log.syslog.msgid"), "ID47");
  EXPECT_EQ(field(e, "log.syslog.facility.name"), "auth");
  EXPECT_EQ(field(e, "log.syslog.severity.name"), "crit");
  EXPECT_EQ(field(e, "log.syslog.structured_data"),
            "[exampleSDID@32473 iut=\"3\" eventSource=\"App\\]\"]");
  EXPECT_EQ(field(e, "event.action"), "su");
  EXPECT_EQ(field(e, "event.outcome"), "failure");
  EXPECT_EQ(field(e, "user.name"), "alice");
  EXPECT_EQ(field(e, "user.target.name"), "root");
}

TEST(SyslogHeader, BsdVariantsWithoutHostnameOrPid) {
  const auto r =
      run("syslog",
          "<38>Feb  5 17:32:18 sshd[99]: Accepted publickey for bob from 2001:db8::1 "
          "port 50022 ssh2: ED25519 SHA256:abc\n"
          "<13>Feb  5 17:32:18 myhost cron: started\n"
          "2026-01-01T10:00:00.5+01:00 host sudo:    alice : TTY=pts/0 ; PWD=/home/alice "
          "; USER=root ; COMMAND=/bin/sh -c 'id ; ls'\n");
  ASSERT_EQ(r.events.size(), 3u);
  EXPECT_EQ(field(r.events[0], "host.hostname"), "<absent>");
  EXPECT_EQ(field(r.events[0], "process.pid"), "99");
  EXPECT_EQ(field(r.events[0], "event.outcome"), "success");
  EXPECT_EQ(field(r.events[0], "source.ip"), "2001:db8::1");
  EXPECT_EQ(field(r.events[0], "source.port"), "50022");
  EXPECT_EQ(field(r.events[0], "system.auth.ssh.method"), "publickey");
  EXPECT_EQ(field(r.events[0], "system.auth.ssh.signature"), "ED25519 SHA256:abc");
  EXPECT_EQ(field(r.events[1], "host.hostname"), "myhost");
  EXPECT_EQ(field(r.events[1], "process.name"), "cron");
  EXPECT_EQ(field(r.events[1], "message"), "started");
  EXPECT_EQ(format_rfc3339(r.events[2].time), "2026-01-01T09:00:00.500000Z");
  EXPECT_EQ(field(r.events[2], "event.action"), "sudo_command");
  EXPECT_EQ(field(r.events[2], "user.name"), "alice");
  EXPECT_EQ(field(r.events[2], "user.effective.name"), "root");
  EXPECT_EQ(field(r.events[2], "process.command_line"), "/bin/sh -c 'id ; ls'");
}

// RFC 3164 4.3.2: a relay that finds a PRI but no timestamp keeps the message and adds
// the time of receipt; a line with neither is not syslog and is kept, flagged.
TEST(SyslogHeader, PriorityAloneKeepsTheMessageANoHeaderLineIsFlagged) {
  const auto r = run("syslog", "<13>disk almost full\nno header at all\n");
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.flagged, 1u);
  EXPECT_EQ(field(r.events[0], "message"), "disk almost full");
  EXPECT_EQ(field(r.events[0], "log.syslog.priority"), "13");
  EXPECT_EQ(field(r.events[0], "log.syslog.severity.name"), "notice");
  EXPECT_TRUE(r.events[0].time_from_receive);
  EXPECT_EQ(field(r.events[0], "error.type"), "<absent>");
  EXPECT_EQ(field(r.events[1], "event.original"), "no header at all");
  EXPECT_EQ(field(r.events[1], "error.type"), "parse_error");
}

TEST(AuthMessages, SshdGrammar) {
  const auto r = run("sshd",
                     "Jan  1 00:00:01 h sshd[1]: message repeated 3 times: [ Failed password for "
                     "invalid user x y from 10.0.0.9 port 4 ssh2]\n"
                     "Jan  1 00:00:02 h sshd[1]: Invalid user  from 10.0.0.8 port 22\n"
                     "Jan  1 00:00:03 h sshd[1]: Disconnected from authenticating user root "
                     "10.0.0.7 port 5 [preauth]\n"
                     "Jan  1 00:00:04 h sshd[1]: error: maximum authentication attempts exceeded "
                     "for root from 10.0.0.6 port 6 ssh2 [preauth]\n"
                     "Jan  1 00:00:05 h sshd[1]: Address 10.0.0.5 maps to evil.example, but this "
                     "does not map back to the address - POSSIBLE BREAK-IN ATTEMPT!\n"
                     "Failed publickey for alice from 10.0.0.4 port 7 ssh2\n");
  ASSERT_EQ(r.events.size(), 8u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(field(r.events[i], "user.name"), "x y");
    EXPECT_EQ(field(r.events[i], "source.ip"), "10.0.0.9");
    EXPECT_EQ(field(r.events[i], "event.outcome"), "failure");
    EXPECT_EQ(field(r.events[i], "system.auth.ssh.invalid_user"), "true");
    EXPECT_EQ(field(r.events[i], "log.syslog.repeated"), "3");
  }
  EXPECT_EQ(field(r.events[3], "event.action"), "ssh_invalid_user");
  EXPECT_EQ(field(r.events[3], "user.name"), "");
  EXPECT_EQ(field(r.events[3], "source.port"), "22");
  EXPECT_EQ(field(r.events[4], "event.action"), "ssh_disconnect");
  EXPECT_EQ(field(r.events[4], "user.name"), "root");
  EXPECT_EQ(field(r.events[4], "source.ip"), "10.0.0.7");
  EXPECT_EQ(field(r.events[5], "event.action"), "ssh_too_many_failures");
  EXPECT_EQ(field(r.events[5], "source.ip"), "10.0.0.6");
  EXPECT_EQ(field(r.events[6], "event.action"), "ssh_possible_break_in");
  EXPECT_EQ(field(r.events[6], "source.domain"), "evil.example");
  // A bare sshd message (no syslog header) with --format sshd.
  EXPECT_EQ(field(r.events[7], "event.action"), "ssh_login");
  EXPECT_EQ(field(r.events[7], "source.ip"), "10.0.0.4");
  EXPECT_TRUE(r.events[7].time_from_receive);
  EXPECT_EQ(r.flagged, 0u);
}

TEST(AuthMessages, AccountToolsAndSu) {
  const auto r = run("auth",
                     "Mar  1 10:00:00 h useradd[5]: new user: name=eve, UID=1001, GID=1001, "
                     "home=/home/eve, shell=/bin/bash, from=/dev/pts/0\n"
                     "Mar  1 10:00:01 h usermod[6]: add 'eve' to group 'sudo'\n"
                     "Mar  1 10:00:02 h passwd[7]: pam_unix(passwd:chauthtok): password changed "
                     "for eve\n"
                     "Mar  1 10:00:03 h su[8]: pam_unix(su:session): session opened for user "
                     "root(uid=0) by eve(uid=1001)\n"
                     "Mar  1 10:00:04 h sudo:      eve : 3 incorrect password attempts ; TTY=pts/1 "
                     "; PWD=/ ; USER=root ; COMMAND=/bin/bash\n",
                     {}, 2026);
  ASSERT_EQ(r.events.size(), 5u);
  EXPECT_EQ(field(r.events[0], "event.category"), "iam");
  EXPECT_EQ(field(r.events[0], "event.action"), "user_created");
  EXPECT_EQ(field(r.events[0], "user.name"), "eve");
  EXPECT_EQ(field(r.events[0], "user.id"), "1001");
  EXPECT_EQ(field(r.events[1], "event.action"), "user_added_to_group");
  EXPECT_EQ(field(r.events[1], "group.name"), "sudo");
  EXPECT_EQ(field(r.events[2], "event.action"), "password_changed");
  EXPECT_EQ(field(r.events[2], "event.category"), "iam");
  EXPECT_EQ(field(r.events[3], "event.action"), "session_opened");
  EXPECT_EQ(field(r.events[3], "user.name"), "root");
  EXPECT_EQ(field(r.events[4], "event.action"), "sudo_failure");
  EXPECT_EQ(field(r.events[4], "event.outcome"), "failure");
  EXPECT_EQ(field(r.events[4], "event.reason"), "3 incorrect password attempts");
}

// The rest of the account tools and login, in the forms shadow-utils and util-linux log.
TEST(AuthMessages, MoreAccountToolsAndLogin) {
  const auto r = run("auth",
                     "Mar  1 10:00:05 h userdel[9]: delete user 'eve'\n"
                     "Mar  1 10:00:06 h groupadd[10]: new group: name=ops, GID=1002\n"
                     "Mar  1 10:00:07 h groupdel[11]: removed group 'ops' owned by 'root'\n"
                     "Mar  1 10:00:08 h usermod[12]: lock user 'eve' password\n"
                     "Mar  1 10:00:09 h chpasswd[13]: pam_unix(chpasswd:chauthtok): password "
                     "changed for eve\n"
                     "Mar  1 10:00:10 h gpasswd[14]: user eve added by root to group ops\n"
                     "Mar  1 10:00:11 h login[15]: FAILED LOGIN 1 FROM tty1 FOR eve, "
                     "Authentication failure\n"
                     "Mar  1 10:00:12 h login[16]: ROOT LOGIN ON tty2\n",
                     {}, 2026);
  ASSERT_EQ(r.events.size(), 8u);
  EXPECT_EQ(r.flagged, 0u);
  const std::vector<std::array<const char*, 3>> want = {
      {"user_deleted", "iam", "eve"},       {"group_created", "iam", "<absent>"},
      {"group_deleted", "iam", "<absent>"}, {"user_changed", "iam", "eve"},
      {"password_changed", "iam", "eve"},   {"user_added_to_group", "iam", "eve"},
      {"login", "authentication", "eve"},   {"login", "authentication", "root"}};
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(field(r.events[i], "event.action"), want[i][0]) << i;
    EXPECT_EQ(field(r.events[i], "event.category"), want[i][1]) << i;
    EXPECT_EQ(field(r.events[i], "user.name"), want[i][2]) << i;
  }
  EXPECT_EQ(field(r.events[1], "group.name"), "ops");
  EXPECT_EQ(field(r.events[2], "group.name"), "ops");
  EXPECT_EQ(field(r.events[5], "group.name"), "ops");
  EXPECT_EQ(field(r.events[6], "event.outcome"), "failure");
  EXPECT_EQ(field(r.events[7], "event.outcome"), "success");
  EXPECT_EQ(field(r.events[7], "process.tty.name"), "tty2");
}

TEST(HostileInput, GarbageInvalidUtf8AndHugeLinesAreKeptFlagged) {
  std::string body = "\x01\x02\xff\xfe binary\n";
  body += "Jan  1 00:00:00 h app: caf\xe9 ok\n";  // Latin-1 byte inside a good line
  body += std::string(1 << 20, 'A') + "B\n";
  const auto r = run("syslog", body);
  ASSERT_EQ(r.events.size(), 3u);
  EXPECT_EQ(r.flagged, 2u);
  EXPECT_EQ(field(r.events[0], "error.type"), "parse_error");
  EXPECT_EQ(field(r.events[0], "event.original"), "\x01\x02\xEF\xBF\xBD\xEF\xBF\xBD binary");
  EXPECT_EQ(field(r.events[1], "message"), "caf\xEF\xBF\xBD ok");
  EXPECT_EQ(field(r.events[2], "log.truncated"), "true");
  EXPECT_EQ(field(r.events[2], "event.original").size(), size_t{1} << 20);
}

TEST(HostileInput, AByteThatIsNotUtf8IsFoundAnywhereInALine) {
  // The check reads 32 or 8 bytes at a time, the last 32 overlapping: every
  // position of lines around those sizes.
  for (const size_t size : {7, 8, 31, 32, 33, 40, 63, 64, 70}) {
    std::string line(size, 'a');
    EXPECT_TRUE(decode::valid_utf8_line(line)) << size;
    for (size_t at = 0; at < size; ++at) {
      line[at] = '\xff';
      EXPECT_FALSE(decode::valid_utf8_line(line)) << size << " bytes, 0xff at " << at;
      line[at] = 'a';
    }
  }
  EXPECT_TRUE(decode::valid_utf8_line(std::string(39, 'a') + "caf\xc3\xa9"));
  EXPECT_FALSE(decode::valid_utf8_line(std::string(39, 'a') + "caf\xc3"));
}

TEST(WebLog, RequestSplitAndUrlDecoding) {
  const auto r = run("access",
                     "1.2.3.4 - bob [10/Oct/2000:13:55:36 -0700] \"GET /a%2520b/..%252f..%252fetc"
                     "?q=1+union+select%20x&b=%3Cscript%3E HTTP/1.1\" 404 - \"-\" \"curl/8\"\n"
                     "5.6.7.8 - - [10/Oct/2000:13:55:37 +0000] \"\\x16\\x03\\x01\" 400 226\n"
                     "9.9.9.9 - - [10/Oct/2000:13:55:38 +0000] \"GET / HTTP/1.1\" 200\n");
  ASSERT_EQ(r.events.size(), 3u);
  const Event& e = r.events[0];
  EXPECT_EQ(format_rfc3339(e.time), "2000-10-10T20:55:36.000000Z");
  EXPECT_EQ(field(e, "user.name"), "bob");
  EXPECT_EQ(field(e, "url.path"), "/a%2520b/..%252f..%252fetc");
  EXPECT_EQ(field(e, "url.query"), "q=1+union+select%20x&b=%3Cscript%3E");
  EXPECT_EQ(field(e, "url.decoded"), "/a b/../../etc?q=1 union select x&b=<script>");
  EXPECT_EQ(field(e, "http.response.status_code"), "404");
  EXPECT_EQ(field(e, "event.outcome"), "failure");
  EXPECT_EQ(field(e, "http.response.body.bytes"), "<absent>");
  // TLS bytes on a plain port: a real line with no usable request, not an error.
  EXPECT_EQ(field(r.events[1], "http.request.method"), "<absent>");
  EXPECT_EQ(field(r.events[1], "http.request.original"), "\\x16\\x03\\x01");
  EXPECT_EQ(field(r.events[1], "error.type"), "<absent>");
  // Cut after the status: what decoded is kept, flagged.
  EXPECT_EQ(field(r.events[2], "error.type"), "parse_error");
  EXPECT_EQ(field(r.events[2], "http.response.status_code"), "200");
  EXPECT_EQ(r.flagged, 1u);
}

TEST(WebLog, TimesReadWithTheLastDayRememberedAreTheTimesReadAfresh) {
  // In this order: the remembered day and zone meet other times, other zones,
  // bad times of a good day, and bad days.
  const std::vector<std::string> times = {
      "17/May/2015:10:05:03 +0000", "17/May/2015:10:05:04 +0000",      "17/May/2015:10:05:03 +0130",
      "17/May/2015:10:05:03",       "17/May/2015:24:00:00 +0000",      "17/May/2015:23:59:60 +0000",
      "17/May/2015:1a:05:03 +0000", "17/May/2015:10:05:03 +01x0",      "32/May/2015:10:05:03 +0000",
      "17/Mai/2015:10:05:03 +0000", "17/May/2015:10:05:03 +0000",      "18/May/2015:00:00:00 -0100",
      "17/May/2015:10:05",          "17/May/2015:10:05:03 +0000 extra"};
  decode::ClfTimeReader reader;
  for (const auto& t : times) {
    const auto fresh = decode::parse_clf_time(t);
    const auto read = reader.read(t);
    ASSERT_EQ(read.has_value(), fresh.has_value()) << t;
    if (fresh) {
      EXPECT_EQ(read->micros, fresh->micros) << t;
    }
  }
  // Seconds since the epoch, from Python's calendar.timegm.
  decode::ClfTimeReader again;
  EXPECT_EQ(again.read("17/May/2015:10:05:03 +0000")->micros, 1431857103'000'000);
  EXPECT_EQ(again.read("17/May/2015:10:05:03 +0130")->micros, 1431851703'000'000);
  EXPECT_EQ(again.read("17/May/2015:23:59:60 +0130")->micros, 1431907200'000'000 - 5400'000'000);
  EXPECT_FALSE(again.read("17/May/2015:24:00:00 +0130"));
}

TEST(WebLog, EscapedQuotesAndUndecodableBytes) {
  // Apache writes a quote inside a field as \" and a backslash as \\; two fields with
  // escapes in one line each keep their own text.
  const auto r =
      run("access",
          "1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] \"GET /say?q=\\\"hi\\\"+there "
          "HTTP/1.0\" 200 12 \"http://r/\\\"x\\\"\" \"UA \\\\ \\\"quoted\\\"\"\n"
          "1.2.3.4 - - [10/Oct/2000:13:55:37 +0000] \"GET /a+b/%ff%41?c=%2B+d HTTP/1.1\" "
          "200 1 \"-\" \"-\"\n");
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.flagged, 0u);
  const Event& e = r.events[0];
  EXPECT_EQ(field(e, "http.request.original"), "GET /say?q=\"hi\"+there HTTP/1.0");
  EXPECT_EQ(field(e, "url.query"), "q=\"hi\"+there");
  EXPECT_EQ(field(e, "url.decoded"), "/say?q=\"hi\" there");
  EXPECT_EQ(field(e, "http.request.referrer"), "http://r/\"x\"");
  EXPECT_EQ(field(e, "user_agent.original"), "UA \\ \"quoted\"");
  EXPECT_EQ(field(e, "http.version"), "1.0");
  // '+' is a space only in the query; %ff is not UTF-8 and becomes U+FFFD.
  EXPECT_EQ(field(r.events[1], "url.path"), "/a+b/%ff%41");
  EXPECT_EQ(field(r.events[1], "url.decoded"),
            "/a+b/\xEF\xBF\xBD"
            "A?c=+ d");
  EXPECT_EQ(field(r.events[1], "http.request.referrer"), "<absent>");
  EXPECT_EQ(field(r.events[1], "user_agent.original"), "<absent>");
}

TEST(WebLog, NginxErrorLine) {
  const auto r = run("nginx_error",
                     "2024/01/02 03:04:05 [error] 123#0: *1 open() \"/x\" failed (2: No such "
                     "file), client: 10.1.1.1, server: a, request: \"GET /x?id=1 HTTP/1.1\", "
                     "host: \"a\"\n");
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(field(r.events[0], "log.level"), "error");
  EXPECT_EQ(field(r.events[0], "source.ip"), "10.1.1.1");
  EXPECT_EQ(field(r.events[0], "url.path"), "/x");
  EXPECT_EQ(field(r.events[0], "process.pid"), "123");
}

TEST(Declared, RegexKvAndCsv) {
  DeclaredDecoderConfig re;
  re.name = "fw";
  re.type = "regex";
  re.pattern = R"(^(?P<ts>\S+) (?P<verdict>ALLOW|DENY) src=(?P<src>[0-9.]+):(?P<sport>\d+))";
  re.fields = {{"src", "source.ip"}, {"sport", "source.port"}, {"verdict", "event.action"}};
  re.timestamp = "ts";
  re.set = {{"event.category", "network"}};
  DeclaredDecoderConfig kv;
  kv.name = "app";
  kv.type = "kv";
  kv.fields = {{"usr", "user.name"}};
  kv.timestamp = "time";
  DeclaredDecoderConfig csv;
  csv.name = "tbl";
  csv.type = "csv";
  csv.columns = {"when", "who", "what"};
  csv.fields = {{"who", "user.name"}};
  csv.timestamp = "when";
  const std::vector<DeclaredDecoderConfig> all = {re, kv, csv};

  auto r = run("fw", "2024-05-01T00:00:00Z DENY src=10.0.0.1:5555 extra\nnope\n", all);
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(field(r.events[0], "source.ip"), "10.0.0.1");
  EXPECT_EQ(field(r.events[0], "source.port"), "5555");
  EXPECT_EQ(field(r.events[0], "event.action"), "DENY");
  EXPECT_EQ(field(r.events[0], "event.category"), "network");
  EXPECT_EQ(format_rfc3339(r.events[0].time), "2024-05-01T00:00:00.000000Z");
  EXPECT_EQ(field(r.events[1], "error.type"), "parse_error");

  r = run("app", "time=1714521600 usr=\"a b\" op=login\n", all);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(field(r.events[0], "user.name"), "a b");
  EXPECT_EQ(field(r.events[0], "op"), "login");
  EXPECT_EQ(r.events[0].time.seconds(), 1714521600);

  r = run("tbl", "when,who,what\n\"10/Oct/2000:13:55:36 +0000\",\"x, \"\"y\"\"\",z\n1,2\n", all);
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(field(r.events[0], "user.name"), "x, \"y\"");
  EXPECT_EQ(r.events[0].time.seconds(), 971186136);
  EXPECT_EQ(field(r.events[1], "error.type"), "parse_error");
}

TEST(Declared, BadPatternIsAConfigError) {
  DeclaredDecoderConfig bad;
  bad.name = "bad";
  bad.type = "regex";
  bad.pattern = "(?P<x>unclosed";
  DecoderCatalog catalog;
  catalog.declared = {bad};
  auto d = make_decoder("bad", catalog);
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().code, ErrorCode::kConfig);
  EXPECT_NE(d.error().message.find("bad"), std::string::npos);
  EXPECT_FALSE(make_decoder("nope", catalog).has_value());
}

// The same two events (Sysmon 1, Security 4624) in each JSON shape the
// `windows` decoder reads: XML turned JSON (Event.System with attributes as
// "@Name", EventData's Data a list of {"@Name", "#text"}) and Winlogbeat's
// (winlog.*, winlog.event_data). Expected values are the events' own.
const char* kSysmon1Nested =
    R"({"Event":{"@xmlns":"http://schemas.microsoft.com/win/2004/08/events/event","System":)"
    R"({"Provider":{"@Name":"Microsoft-Windows-Sysmon","@Guid":"{5770385f-c22a-43e0-bf4c-06f5698ffbd9}"},)"
    R"("EventID":"1","Version":"5","Level":"4","Task":"1",)"
    R"("TimeCreated":{"@SystemTime":"2024-05-06T07:08:09.1234567Z"},"EventRecordID":"4711",)"
    R"("Channel":"Microsoft-Windows-Sysmon/Operational","Computer":"WS01.corp.example"},)"
    R"("EventData":{"Data":[{"@Name":"UtcTime","#text":"2024-05-06 07:08:09.123"},)"
    R"({"@Name":"Image","#text":"C:\\Windows\\System32\\cmd.exe"},)"
    R"({"@Name":"CommandLine","#text":"cmd.exe /c whoami"},)"
    R"({"@Name":"User","#text":"CORP\\alice"},)"
    R"({"@Name":"ParentImage","#text":"C:\\Windows\\explorer.exe"}]}}})";
const char* kSysmon1Winlogbeat =
    R"({"@timestamp":"2024-05-06T07:08:09.123Z","winlog":{"channel":"Microsoft-Windows-Sysmon/Operational",)"
    R"("event_id":"1","provider_name":"Microsoft-Windows-Sysmon","computer_name":"WS01.corp.example",)"
    R"("record_id":4711,"event_data":{"UtcTime":"2024-05-06 07:08:09.123",)"
    R"("Image":"C:\\Windows\\System32\\cmd.exe","CommandLine":"cmd.exe /c whoami",)"
    R"("User":"CORP\\alice","ParentImage":"C:\\Windows\\explorer.exe"}}})";
const char* kLogon4624Nested =
    R"({"Event":{"System":{"Provider":{"@Name":"Microsoft-Windows-Security-Auditing",)"
    R"("@Guid":"{54849625-5478-4994-a5ba-3e3b0328c30d}"},"EventID":{"#text":"4624"},)"
    R"("TimeCreated":{"@SystemTime":"2024-05-06T08:00:00.500000Z"},"Channel":"Security",)"
    R"("Computer":"DC01.corp.example"},"EventData":{"Data":[)"
    R"({"@Name":"SubjectUserName","#text":"DC01$"},{"@Name":"TargetUserName","#text":"bob"},)"
    R"({"@Name":"TargetDomainName","#text":"CORP"},{"@Name":"LogonType","#text":"3"},)"
    R"({"@Name":"IpAddress","#text":"192.0.2.10"},{"@Name":"IpPort","#text":"51515"}]}}})";
const char* kLogon4624Winlogbeat =
    R"({"@timestamp":"2024-05-06T08:00:00.500Z","winlog":{"channel":"Security","event_id":4624,)"
    R"("provider_name":"Microsoft-Windows-Security-Auditing","computer_name":"DC01.corp.example",)"
    R"("event_data":{"SubjectUserName":"DC01$","TargetUserName":"bob","TargetDomainName":"CORP",)"
    R"("LogonType":"3","IpAddress":"192.0.2.10","IpPort":"51515"}}})";

// Each field path of `want` holds its value in `e`.
void expect_fields(const Event& e,
                   std::initializer_list<std::pair<std::string, std::string>> want) {
  for (const auto& [path, value] : want) EXPECT_EQ(field(e, path), value) << path;
}

void expect_sysmon1(const Event& e, const std::string& data) {
  expect_fields(e, {{"winlog.channel", "Microsoft-Windows-Sysmon/Operational"},
                    {"event.code", "1"},
                    {"event.provider", "Microsoft-Windows-Sysmon"},
                    {"host.name", "WS01.corp.example"},
                    {data + ".CommandLine", "cmd.exe /c whoami"},
                    {data + ".ParentImage", "C:\\Windows\\explorer.exe"},
                    {"process.command_line", "cmd.exe /c whoami"},
                    {"process.executable", "C:\\Windows\\System32\\cmd.exe"},
                    {"user.name", "CORP\\alice"}});
}

void expect_logon4624(const Event& e, const std::string& data) {
  EXPECT_EQ(format_rfc3339(e.time), "2024-05-06T08:00:00.500000Z");
  expect_fields(e, {{"winlog.channel", "Security"},
                    {"event.code", "4624"},
                    {"event.provider", "Microsoft-Windows-Security-Auditing"},
                    {"host.name", "DC01.corp.example"},
                    {data + ".LogonType", "3"},
                    {data + ".TargetUserName", "bob"},
                    {"user.name", "bob"},  // the target, not the subject DC01$
                    {"user.domain", "CORP"},
                    {"source.ip", "192.0.2.10"},
                    {"source.port", "51515"},
                    {"winlog.logon.type", "3"},
                    {"event.action", "logged-in"},
                    {"event.outcome", "success"}});
}

TEST(Windows, NestedEventSystemAndEventDataDataList) {
  const auto r = run("windows", std::string(kSysmon1Nested) + "\n" + kLogon4624Nested + "\n");
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.flagged, 0u);
  // 100 ns ticks kept to the microsecond.
  EXPECT_EQ(format_rfc3339(r.events[0].time), "2024-05-06T07:08:09.123456Z");
  expect_sysmon1(r.events[0], "Event.EventData");
  expect_logon4624(r.events[1], "Event.EventData");
}

TEST(Windows, WinlogbeatEventData) {
  const auto r =
      run("windows", std::string(kSysmon1Winlogbeat) + "\n" + kLogon4624Winlogbeat + "\n");
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.flagged, 0u);
  EXPECT_EQ(format_rfc3339(r.events[0].time), "2024-05-06T07:08:09.123000Z");
  expect_sysmon1(r.events[0], "winlog.event_data");
  expect_logon4624(r.events[1], "winlog.event_data");
}

}  // namespace
}  // namespace vigil
