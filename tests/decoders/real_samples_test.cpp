// Every decoder on the real samples in $VIGIL_TEST_DATA/logs (see its
// README for provenance). Expected values come from the data: loghub's own
// structured parse of its logs (*_structured.csv), field splits done here on
// the raw lines, and the JSON files read with nlohmann::json — never from
// vigil's output.
#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/field_path.h"
#include "core/timestamp.h"
#include "decoders/loghub_structure.h"
#include "ingest/decoders/decoder.h"
#include "ingest/decoders/record.h"
#include "support/test_data.h"

namespace vigil {
namespace {

using testing::match_template;
using testing::read_csv_rows;
using testing::read_lines;
using testing::read_maybe_gz;

constexpr Timestamp kReceived{1'764'000'000'000'000};  // 2025-11-24

DecodeResult decode_text(const std::string& text, const std::string& decoder, int year = 0) {
  DecoderCatalog catalog;
  catalog.year = year;
  auto d = make_decoder(decoder, catalog);
  EXPECT_TRUE(d.has_value());
  DecodeResult out;
  (*d)->decode(text, 1, kReceived, out);
  return out;
}

std::string str(const Event& e, std::string_view path) {
  const Value* v = FieldPath(path).find(e.doc);
  if (v == nullptr) return "<absent>";
  if (v->is_string()) return v->as_string();
  if (v->kind() == Value::Kind::kInt) return std::to_string(v->as_int());
  if (v->kind() == Value::Kind::kUint) return std::to_string(v->as_uint());
  if (v->is_bool()) return v->as_bool() ? "true" : "false";
  return "<other>";
}

std::string rtrim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

int month_number(const std::string& m) {
  static const std::vector<std::string> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (kMonths[i] == m) return static_cast<int>(i) + 1;
  }
  return 0;
}

// "Dec", "10", "06:55:46" in `year` -> Timestamp.
Timestamp bsd_time(int year, const std::string& mon, const std::string& day,
                   const std::string& clock) {
  const int64_t days = days_from_civil(year, static_cast<unsigned>(month_number(mon)),
                                       static_cast<unsigned>(std::stoi(day)));
  const int64_t sod = std::stoi(clock.substr(0, 2)) * 3600 + std::stoi(clock.substr(3, 2)) * 60 +
                      std::stoi(clock.substr(6, 2));
  return Timestamp::from_seconds(days * 86400 + sod);
}

// What each loghub OpenSSH template means, by hand from its text:
// event.action, event.outcome, and which <*> hold user / source IP / port.
struct SshMeaning {
  std::string action, outcome;
  int user = -1, ip = -1, port = -1;
};
const std::map<std::string, SshMeaning>& openssh_meanings() {
  static const std::map<std::string, SshMeaning> m = {
      {"E1", {"ssh_login", "success", 0, 1, 2}},
      {"E2", {"ssh_disconnect", "<absent>", -1, 0, -1}},
      {"E3", {"ssh_no_identification", "failure", -1, 0, -1}},
      {"E4", {"ssh_too_many_failures", "unknown"}},
      {"E5", {"ssh_too_many_failures", "unknown"}},
      {"E6", {"ssh_disconnect", "<absent>", -1, 0, -1}},
      {"E7", {"ssh_disconnect", "<absent>", -1, 0, -1}},
      {"E8", {"ssh_login", "failure", 0, 1, 2}},
      {"E9", {"ssh_login", "failure", 0, 1, 2}},
      {"E10", {"ssh_login", "failure", 0, 1, 2}},
      {"E11", {"<absent>", "<absent>"}},
      {"E12", {"ssh_invalid_user_request", "unknown", 0}},
      {"E13", {"ssh_invalid_user", "unknown", 0, 1}},
      {"E14", {"ssh_login", "failure", -1, 1, 2}},
      {"E15", {"pam_more_failures", "unknown", -1, 3}},
      {"E16", {"pam_more_failures", "unknown", -1, 3}},
      {"E17", {"pam_more_failures", "unknown", -1, 3}},
      {"E18", {"pam_ignoring_max_retries", "<absent>"}},
      {"E19", {"pam_authentication", "failure", -1, 2}},
      {"E20", {"pam_authentication", "failure", 3, 2}},
      {"E21", {"pam_user_unknown", "unknown"}},
      {"E22", {"session_closed", "success", 0}},
      {"E23", {"session_opened", "success", 0}},
      {"E24", {"ssh_disconnect", "<absent>", -1, 0, -1}},
      {"E25", {"ssh_disconnect", "<absent>", -1, 0, -1}},
      {"E26", {"ssh_disconnect", "<absent>", -1, 0, -1}},
      {"E27", {"ssh_possible_break_in", "<absent>", -1, 1}},
  };
  return m;
}

TEST(RealSamples, OpenSshEveryLineMatchesLoghubsOwnParse) {
  VIGIL_REQUIRE_DATA(dir, "logs/loghub/OpenSSH");
  const auto rows = read_csv_rows(dir / "OpenSSH_2k.log_structured.csv");
  const auto lines = read_lines(dir / "OpenSSH_2k.log");
  ASSERT_EQ(rows.size(), 2000u);
  const auto r = decode_text(testing::read_file(dir / "OpenSSH_2k.log"), "sshd", 2015);
  EXPECT_EQ(r.flagged, 0u);
  EXPECT_TRUE(r.errors.empty());
  size_t next = 0, repeated_extra = 0;
  for (const auto& row : rows) {
    const std::string& id = row.at("EventId");
    const auto params = match_template(row.at("EventTemplate"), row.at("Content"));
    ASSERT_TRUE(params) << "line " << row.at("LineId") << ": template does not fit its content";
    size_t copies = 1;
    if (id == "E14") copies = std::stoul((*params)[0]);  // "message repeated N times"
    repeated_extra += copies - 1;
    const SshMeaning& m = openssh_meanings().at(id);
    // loghub's parameters keep what follows a value up to the next literal
    // ("42393 ssh2", "1.2.3.4 "): the value is the first word.
    auto word = [&](int i) {
      const std::string& p = (*params)[static_cast<size_t>(i)];
      return p.substr(0, p.find(' '));
    };
    auto is_ip = [](const std::string& s) {
      return !s.empty() && s.find_first_not_of("0123456789.") == std::string::npos;
    };
    for (size_t k = 0; k < copies; ++k) {
      ASSERT_LT(next, r.events.size());
      const Event& e = r.events[next++];
      const std::string where = "line " + row.at("LineId") + " (" + id + ")";
      EXPECT_EQ(str(e, "host.hostname"), row.at("Component")) << where;
      EXPECT_EQ(str(e, "process.pid"), row.at("Pid")) << where;
      EXPECT_EQ(e.time, bsd_time(2015, row.at("Date"), row.at("Day"), row.at("Time"))) << where;
      EXPECT_FALSE(e.time_from_receive) << where;
      if (id != "E14") {
        EXPECT_EQ(rtrim(str(e, "message")), rtrim(row.at("Content"))) << where;
      }
      EXPECT_EQ(str(e, "event.action"), m.action) << where;
      EXPECT_EQ(str(e, "event.outcome"), m.outcome) << where;
      if (m.user >= 0) {
        EXPECT_EQ(str(e, "user.name"), rtrim((*params)[m.user])) << where;
      }
      if (id == "E14") {
        EXPECT_EQ(str(e, "user.name"), "root") << where;
      }
      if (m.ip >= 0) {
        EXPECT_EQ(str(e, is_ip(word(m.ip)) ? "source.ip" : "source.domain"), word(m.ip)) << where;
      }
      if (m.port >= 0) {
        EXPECT_EQ(str(e, "source.port"), word(m.port)) << where;
      }
    }
  }
  EXPECT_EQ(next, r.events.size());
  EXPECT_EQ(r.events.size(), lines.size() - (lines.back().empty() ? 1 : 0) + repeated_extra);
  EXPECT_GT(repeated_extra, 0u);
}

// Failed logins per source IP, counted from the raw text alone: "Failed
// <method> for ... from <ip>" lines, and "message repeated N times: [ Failed
// ... from <ip> ...]" lines counting N.
std::map<std::string, std::vector<int64_t>> raw_failures(const std::vector<std::string>& lines,
                                                         int year) {
  std::map<std::string, std::vector<int64_t>> by_ip;
  for (const auto& line : lines) {
    const size_t colon = line.find("]: ");
    if (line.size() < 16 || colon == std::string::npos) continue;
    std::string msg = line.substr(colon + 3);
    size_t times = 1;
    if (msg.rfind("message repeated ", 0) == 0) {
      times = std::stoul(msg.substr(17));
      msg = msg.substr(msg.find('[') + 2);
    }
    if (msg.rfind("Failed ", 0) != 0) continue;
    const size_t from = msg.rfind(" from ");
    const std::string ip = msg.substr(from + 6, msg.find(' ', from + 6) - from - 6);
    const int64_t t =
        bsd_time(year, line.substr(0, 3), line.substr(4, 2), line.substr(7, 8)).seconds();
    for (size_t i = 0; i < times; ++i) by_ip[ip].push_back(t);
  }
  return by_ip;
}

// IPs with >= 5 failures within any 5-minute window.
std::set<std::string> brute_forcers(const std::map<std::string, std::vector<int64_t>>& by_ip) {
  std::set<std::string> out;
  for (auto [ip, times] : by_ip) {
    std::sort(times.begin(), times.end());
    for (size_t i = 0; i + 4 < times.size(); ++i) {
      if (times[i + 4] - times[i] <= 300) {
        out.insert(ip);
        break;
      }
    }
  }
  return out;
}

TEST(RealSamples, OpenSshFailedLoginsPerSourceMatchTheRawCount) {
  VIGIL_REQUIRE_DATA(dir, "logs/loghub/OpenSSH");
  const auto lines = read_lines(dir / "OpenSSH_2k.log");
  const auto expected = raw_failures(lines, 2015);
  const auto r = decode_text(testing::read_file(dir / "OpenSSH_2k.log"), "sshd", 2015);
  std::map<std::string, std::vector<int64_t>> decoded;
  for (const Event& e : r.events) {
    if (str(e, "event.action") == "ssh_login" && str(e, "event.outcome") == "failure")
      decoded[str(e, "source.ip")].push_back(e.time.seconds());
  }
  for (auto& [ip, t] : decoded) std::sort(t.begin(), t.end());
  auto sorted = expected;
  for (auto& [ip, t] : sorted) std::sort(t.begin(), t.end());
  EXPECT_EQ(decoded, sorted);
  const auto attackers = brute_forcers(expected);
  EXPECT_FALSE(attackers.empty());
  EXPECT_LT(attackers.size(), expected.size());  // some sources stay below the threshold
}

// What each Linux (loghub) template of an authentication program means.
TEST(RealSamples, LinuxSyslogEveryLineDecodesWithItsHeader) {
  VIGIL_REQUIRE_DATA(dir, "logs/loghub/Linux");
  const auto rows = read_csv_rows(dir / "Linux_2k.log_structured.csv");
  const auto r = decode_text(testing::read_file(dir / "Linux_2k.log"), "syslog", 2005);
  ASSERT_EQ(r.events.size(), rows.size());
  EXPECT_EQ(r.flagged, 0u);
  size_t pam_failures = 0, sessions = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    const Event& e = r.events[i];
    const std::string where = "line " + row.at("LineId");
    EXPECT_EQ(str(e, "host.hostname"), row.at("Level"))
        << where;  // loghub's column names shift here
    EXPECT_EQ(e.time, bsd_time(2005, row.at("Month"), row.at("Date"), row.at("Time"))) << where;
    const std::string& program = row.at("Component");
    if (program.find(' ') != std::string::npos) {
      // "syslogd 1.4.1: restart.", "-- root[2421]: ...": no RFC 3164 tag
      // has a space, so the whole rest is the message.
      EXPECT_EQ(str(e, "process.name"), "<absent>") << where;
      EXPECT_EQ(str(e, "message").rfind(program, 0), 0u) << where;
    } else {
      EXPECT_EQ(str(e, "process.name"), program) << where;
      if (!row.at("PID").empty()) {
        EXPECT_EQ(str(e, "process.pid"), row.at("PID")) << where;
      }
    }
    const std::string content = rtrim(row.at("Content"));
    if (program.find("(pam_unix)") != std::string::npos &&
        content.rfind("authentication failure;", 0) == 0) {
      ++pam_failures;
      EXPECT_EQ(str(e, "event.action"), "pam_authentication") << where;
      EXPECT_EQ(str(e, "event.outcome"), "failure") << where;
      const size_t rhost = content.find("rhost=");
      std::string host = content.substr(rhost + 6);
      host = host.substr(0, host.find(' '));
      if (!host.empty() && host.find_first_not_of("0123456789.") == std::string::npos) {
        EXPECT_EQ(str(e, "source.ip"), host) << where;
      } else if (!host.empty()) {
        EXPECT_EQ(str(e, "source.domain"), host) << where;
      }
      if (const size_t u = content.find(" user="); u != std::string::npos) {
        EXPECT_EQ(str(e, "user.name"), content.substr(u + 6)) << where;
      }
    }
    if (content.rfind("session opened for user ", 0) == 0) {
      ++sessions;
      EXPECT_EQ(str(e, "event.action"), "session_opened") << where;
      std::string user = content.substr(24);
      EXPECT_EQ(str(e, "user.name"), user.substr(0, user.find(' '))) << where;
    }
  }
  EXPECT_GT(pam_failures, 100u);
  EXPECT_GT(sessions, 10u);
}

TEST(RealSamples, ApacheErrorLogMatchesLoghubsOwnParse) {
  VIGIL_REQUIRE_DATA(dir, "logs/loghub/Apache");
  const auto rows = read_csv_rows(dir / "Apache_2k.log_structured.csv");
  const auto r = decode_text(testing::read_file(dir / "Apache_2k.log"), "apache_error");
  ASSERT_EQ(r.events.size(), rows.size());
  EXPECT_EQ(r.flagged, 0u);
  size_t clients = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    const Event& e = r.events[i];
    const std::string where = "line " + row.at("LineId");
    EXPECT_EQ(str(e, "log.level"), row.at("Level")) << where;
    // "Sun Dec 04 04:47:44 2005"
    const std::string& t = row.at("Time");
    EXPECT_EQ(e.time,
              bsd_time(std::stoi(t.substr(20, 4)), t.substr(4, 3), t.substr(8, 2), t.substr(11, 8)))
        << where;
    std::string content = row.at("Content");
    if (content.rfind("[client ", 0) == 0) {
      ++clients;
      const size_t close = content.find(']');
      EXPECT_EQ(str(e, "source.ip"), content.substr(8, close - 8)) << where;
      content = content.substr(close + 2);
    }
    EXPECT_EQ(str(e, "message"), content) << where;
  }
  EXPECT_GT(clients, 0u);
}

// Splits a combined-log line the way `awk -F'"'` does: the 6 quotes give 7 parts.
TEST(RealSamples, AccessLogEveryLineParsesOrIsFlagged) {
  VIGIL_REQUIRE_DATA(file, "logs/elastic-apache-access/apache_logs");
  const auto lines = read_lines(file);
  const auto r = decode_text(testing::read_file(file), "access");
  std::vector<std::string> nonblank;
  for (const auto& l : lines) {
    if (!l.empty()) nonblank.push_back(l);
  }
  ASSERT_EQ(r.events.size(), nonblank.size());
  size_t cut = 0, with_query = 0;
  for (size_t i = 0; i < nonblank.size(); ++i) {
    const std::string& line = nonblank[i];
    const Event& e = r.events[i];
    const std::string where = "line " + std::to_string(i + 1);
    std::vector<std::string> parts;
    size_t start = 0;
    for (size_t q = line.find('"'); q != std::string::npos; q = line.find('"', start)) {
      parts.push_back(line.substr(start, q - start));
      start = q + 1;
    }
    parts.push_back(line.substr(start));
    EXPECT_EQ(str(e, "source.ip"), line.substr(0, line.find(' '))) << where;
    if (parts.size() != 7) {
      ++cut;
      EXPECT_EQ(str(e, "error.type"), "parse_error") << where;
      EXPECT_EQ(str(e, "event.original"), line) << where;
      continue;
    }
    EXPECT_EQ(str(e, "error.type"), "<absent>") << where;
    const std::string& request = parts[1];
    const std::string method = request.substr(0, request.find(' '));
    const std::string target =
        request.substr(method.size() + 1, request.rfind(' ') - method.size() - 1);
    EXPECT_EQ(str(e, "http.request.method"), method) << where;
    EXPECT_EQ(str(e, "url.original"), target) << where;
    EXPECT_EQ(str(e, "url.path"), target.substr(0, target.find('?'))) << where;
    if (target.find('?') != std::string::npos) {
      ++with_query;
      const std::string query = target.substr(target.find('?') + 1);
      EXPECT_EQ(str(e, "url.query"), query.empty() ? "<absent>" : query) << where;
    }
    const std::string status_bytes = parts[2];  // " 200 203023 "
    const std::string status = status_bytes.substr(1, 3);
    EXPECT_EQ(str(e, "http.response.status_code"), status) << where;
    const std::string bytes = status_bytes.substr(5, status_bytes.size() - 6);
    EXPECT_EQ(str(e, "http.response.body.bytes"), bytes == "-" ? "<absent>" : bytes) << where;
    EXPECT_EQ(str(e, "user_agent.original"), parts[5] == "-" ? "<absent>" : parts[5]) << where;
    EXPECT_EQ(str(e, "http.request.referrer"), parts[3] == "-" ? "<absent>" : parts[3]) << where;
  }
  EXPECT_EQ(r.flagged, cut);
  EXPECT_GT(cut, 0u);  // the sample holds a cut line: it must be kept, flagged
  EXPECT_GT(with_query, 0u);
}

TEST(RealSamples, WindowsFlatEventsKeepTheirFieldsAndGainEcs) {
  VIGIL_REQUIRE_DATA(file, "logs/otrf/windows/cmd_service_mod_fax_2020-10-2120454410.json");
  const auto lines = read_lines(file);
  const auto r = decode_text(testing::read_file(file), "windows");
  size_t n = 0, processes = 0;
  for (const auto& line : lines) {
    if (line.empty()) continue;
    ASSERT_LT(n, r.events.size());
    const auto j = nlohmann::json::parse(line);
    const Event& e = r.events[n++];
    EXPECT_EQ(str(e, "event.code"), std::to_string(j["EventID"].get<int>()));
    EXPECT_EQ(str(e, "host.name"), j["Hostname"].get<std::string>());
    EXPECT_EQ(str(e, "winlog.channel"), j["Channel"].get<std::string>());
    EXPECT_EQ(str(e, "event.provider"), j["SourceName"].get<std::string>());
    EXPECT_EQ(e.time, *parse_iso8601(j["@timestamp"].get<std::string>()));
    EXPECT_EQ(str(e, "EventID"), std::to_string(j["EventID"].get<int>()));  // original kept
    if (j["EventID"] == 4688 && j["Channel"] == "Security") {
      ++processes;
      EXPECT_EQ(str(e, "process.command_line"), j["CommandLine"].get<std::string>());
      EXPECT_EQ(str(e, "event.category"), "process");
    }
  }
  EXPECT_EQ(n, r.events.size());
  EXPECT_EQ(r.flagged, 0u);
  EXPECT_GT(processes, 0u);
}

TEST(RealSamples, WindowsGzippedDatasetDecodesEveryRecord) {
  VIGIL_REQUIRE_DATA(file,
                     "logs/otrf/windows/empire_shell_rubeus_asktgt_ptt_2020-09-21223848.json.gz");
  const std::string text = read_maybe_gz(file);
  size_t records = 0, logons = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    ++records;
    const auto j = nlohmann::json::parse(line);
    if (j.contains("EventID") && j["EventID"] == 4624) ++logons;
  }
  const auto r = decode_text(text, "windows");
  EXPECT_EQ(records, 1179u);  // the README's count
  EXPECT_EQ(r.events.size(), records);
  EXPECT_EQ(r.flagged, 0u);
  size_t decoded_logons = 0;
  for (const Event& e : r.events) {
    if (str(e, "event.action") == "logged-in") ++decoded_logons;
  }
  EXPECT_EQ(decoded_logons, logons);
}

TEST(RealSamples, CloudTrailRecordsGainEcsFields) {
  VIGIL_REQUIRE_DATA(file, "logs/otrf/aws/ec2_proxy_s3_exfiltration_2020-09-14011940.json");
  const auto lines = read_lines(file);
  const auto r = decode_text(testing::read_file(file), "cloudtrail");
  size_t n = 0;
  for (const auto& line : lines) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line);
    ASSERT_LT(n, r.events.size());
    const Event& e = r.events[n++];
    EXPECT_EQ(str(e, "event.action"), j["eventName"].get<std::string>());
    EXPECT_EQ(str(e, "event.provider"), j["eventSource"].get<std::string>());
    // These records came through Logstash, which renames eventTime to @timestamp.
    const char* time_key = j.contains("eventTime") ? "eventTime" : "@timestamp";
    EXPECT_EQ(e.time, *parse_iso8601(j[time_key].get<std::string>()));
    const std::string ip = j["sourceIPAddress"].get<std::string>();
    EXPECT_EQ(
        str(e, std::isdigit(static_cast<unsigned char>(ip[0])) ? "source.ip" : "source.domain"),
        ip);
    EXPECT_EQ(str(e, "event.outcome"), j.contains("errorCode") ? "failure" : "success");
  }
  EXPECT_EQ(n, 103u);  // the README's count
  EXPECT_EQ(r.events.size(), n);
  // The same records as one {"Records": [...]} document, as CloudTrail writes files.
  std::string doc = "{\"Records\": [\n";
  for (const auto& line : lines) {
    if (line.empty()) continue;
    if (doc.back() != '\n') doc += ",\n";
    doc += line;
  }
  doc += "\n]}\n";
  const auto whole = decode_text(doc, "cloudtrail");
  ASSERT_EQ(whole.events.size(), n);
  EXPECT_EQ(str(whole.events[7], "event.action"), str(r.events[7], "event.action"));
}

TEST(RealSamples, ZeekJsonAndTsvLogs) {
  VIGIL_REQUIRE_DATA(dir, "logs");
  const std::string json = read_maybe_gz(dir / "wrccdc-zeek/ssh.json.gz");
  const auto r = decode_text(json, "zeek");
  std::istringstream in(json);
  size_t n = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line);
    ASSERT_LT(n, r.events.size());
    const Event& e = r.events[n++];
    EXPECT_EQ(str(e, "source.ip"), j["id.orig_h"].get<std::string>());
    EXPECT_EQ(str(e, "destination.port"), std::to_string(j["id.resp_p"].get<int>()));
    EXPECT_EQ(str(e, "event.dataset"), "zeek.ssh");
    if (j.contains("auth_success")) {
      EXPECT_EQ(str(e, "event.outcome"), j["auth_success"].get<bool>() ? "success" : "failure");
    }
    EXPECT_EQ(e.time, *parse_iso8601(j["ts"].get<std::string>()));
  }
  EXPECT_EQ(n, 22u);
  EXPECT_EQ(r.events.size(), n);

  const auto tsv_lines = read_lines(dir / "otrf/zeek/LSASS_campaign_01/conn.log");
  const auto tsv =
      decode_text(testing::read_file(dir / "otrf/zeek/LSASS_campaign_01/conn.log"), "zeek");
  size_t rows = 0;
  for (const auto& line : tsv_lines) {
    if (line.empty() || line[0] == '#') continue;
    ASSERT_LT(rows, tsv.events.size());
    const Event& e = tsv.events[rows++];
    std::vector<std::string> cols;
    std::istringstream cs(line);
    for (std::string c; std::getline(cs, c, '\t');) cols.push_back(c);
    EXPECT_EQ(str(e, "source.ip"), cols[2]);
    EXPECT_EQ(str(e, "destination.ip"), cols[4]);
    EXPECT_EQ(str(e, "network.transport"), cols[6]);
    EXPECT_EQ(e.time.seconds(), std::stoll(cols[0].substr(0, cols[0].find('.'))));
  }
  EXPECT_EQ(rows, 112u);  // the README's count
  EXPECT_EQ(tsv.events.size(), rows);
  EXPECT_EQ(tsv.flagged, 0u);
}

// The rows of a Zeek TSV log, each as field name -> text, named by the file's
// own #fields header.
std::vector<std::map<std::string, std::string>> zeek_tsv_rows(const std::filesystem::path& file) {
  std::vector<std::string> names;
  std::vector<std::map<std::string, std::string>> rows;
  for (const auto& line : read_lines(file)) {
    std::vector<std::string> cols;
    std::istringstream cs(line);
    for (std::string c; std::getline(cs, c, '\t');) cols.push_back(c);
    if (!cols.empty() && cols[0] == "#fields") names.assign(cols.begin() + 1, cols.end());
    if (line.empty() || line[0] == '#') continue;
    auto& row = rows.emplace_back();
    for (size_t i = 0; i < cols.size() && i < names.size(); ++i) row[names[i]] = cols[i];
  }
  return rows;
}

// "1692161622.036086" -> microseconds, digit by digit (no double rounding).
int64_t zeek_tsv_micros(const std::string& ts) {
  const size_t dot = ts.find('.');
  std::string fraction = dot == std::string::npos ? "" : ts.substr(dot + 1);
  fraction.resize(6, '0');
  return std::stoll(ts.substr(0, dot)) * 1'000'000 + std::stoll(fraction);
}

// A TSV value as the ECS field should hold it: Zeek's unset "-" is no field.
std::string unless_unset(const std::string& v) {
  return v == "-" ? "<absent>" : v;
}

using ZeekRow = std::map<std::string, std::string>;

// Decodes a Zeek TSV log; every row must become one unflagged event carrying
// the fields all Zeek logs share, then `check` looks at the log's own ones.
void check_zeek_tsv(const std::filesystem::path& file, size_t expected_rows,
                    const std::string& dataset, const std::string& category,
                    const std::function<void(const Event&, const ZeekRow&)>& check) {
  const auto rows = zeek_tsv_rows(file);
  ASSERT_EQ(rows.size(), expected_rows);
  const auto r = decode_text(testing::read_file(file), "zeek");
  ASSERT_EQ(r.events.size(), rows.size());
  EXPECT_EQ(r.flagged, 0u);
  for (size_t i = 0; i < rows.size(); ++i) {
    const Event& e = r.events[i];
    const ZeekRow& row = rows[i];
    SCOPED_TRACE("row " + std::to_string(i));
    EXPECT_EQ(str(e, "event.dataset"), dataset);
    EXPECT_EQ(str(e, "event.category"), category);
    EXPECT_EQ(str(e, "source.ip"), row.at("id.orig_h"));
    EXPECT_EQ(str(e, "source.port"), row.at("id.orig_p"));
    EXPECT_EQ(str(e, "destination.ip"), row.at("id.resp_h"));
    EXPECT_EQ(str(e, "destination.port"), row.at("id.resp_p"));
    EXPECT_EQ(str(e, "zeek.session_id"), row.at("uid"));
    EXPECT_LE(std::abs(e.time.micros - zeek_tsv_micros(row.at("ts"))), 1);
    check(e, row);
  }
}

TEST(RealSamples, ZeekDnsTsvLog) {
  VIGIL_REQUIRE_DATA(file, "logs/otrf/zeek/LSASS_campaign_01/dns.log");
  size_t named = 0;
  // 96: the file's lines less its 8 header lines and #close.
  check_zeek_tsv(file, 96, "zeek.dns", "network", [&](const Event& e, const ZeekRow& row) {
    EXPECT_EQ(str(e, "network.transport"), row.at("proto"));
    EXPECT_EQ(str(e, "dns.question.name"), unless_unset(row.at("query")));
    named += row.at("query") != "-";
  });
  EXPECT_EQ(named, 28u);  // the rest are SERVFAIL/NXDOMAIN answers with the query unset
}

TEST(RealSamples, ZeekHttpTsvLog) {
  VIGIL_REQUIRE_DATA(file, "logs/otrf/zeek/LSASS_campaign_01/http.log");
  // The payload download: 200, 404, 200 (a PE); Zeek left method and uri unset.
  check_zeek_tsv(file, 3, "zeek.http", "web", [](const Event& e, const ZeekRow& row) {
    EXPECT_EQ(str(e, "http.response.status_code"), row.at("status_code"));
    EXPECT_EQ(str(e, "http.request.method"), unless_unset(row.at("method")));
    EXPECT_EQ(str(e, "url.original"), unless_unset(row.at("uri")));
    EXPECT_EQ(str(e, "url.domain"), unless_unset(row.at("host")));
    EXPECT_EQ(str(e, "user_agent.original"), unless_unset(row.at("user_agent")));
  });
}

// Each non-empty NDJSON line, parsed, with the event decoded from it, in
// order; returns how many lines there were.
size_t check_json_lines(const std::vector<std::string>& lines, const DecodeResult& r,
                        const std::function<void(const Event&, const nlohmann::json&)>& check) {
  size_t n = 0;
  for (const auto& line : lines) {
    if (line.empty()) continue;
    if (n >= r.events.size()) {
      ADD_FAILURE() << "no event for line " << n;
      break;
    }
    check(r.events[n++], nlohmann::json::parse(line));
  }
  return n;
}

TEST(RealSamples, ZeekNoticeJsonLog) {
  VIGIL_REQUIRE_DATA(file, "logs/wrccdc-zeek/notice.json.gz");
  const auto r = decode_text(read_maybe_gz(file), "zeek");
  const size_t n =
      check_json_lines(read_lines(file), r, [](const Event& e, const nlohmann::json& j) {
        EXPECT_EQ(str(e, "event.dataset"), "zeek.notice");
        EXPECT_EQ(str(e, "event.category"), "intrusion_detection");
        EXPECT_EQ(str(e, "rule.name"), j["note"].get<std::string>());
        EXPECT_EQ(str(e, "message"), j["msg"].get<std::string>());
        EXPECT_EQ(str(e, "source.ip"), j["id.orig_h"].get<std::string>());
        EXPECT_EQ(str(e, "source.port"), std::to_string(j["id.orig_p"].get<int>()));
        EXPECT_EQ(str(e, "destination.ip"), j["id.resp_h"].get<std::string>());
        EXPECT_EQ(str(e, "destination.port"), std::to_string(j["id.resp_p"].get<int>()));
        EXPECT_EQ(str(e, "network.transport"), j["proto"].get<std::string>());
        EXPECT_EQ(e.time, *parse_iso8601(j["ts"].get<std::string>()));
      });
  EXPECT_EQ(n, 207u);  // zcat notice.json.gz | wc -l
  EXPECT_EQ(r.events.size(), n);
  EXPECT_EQ(r.flagged, 0u);
}

TEST(RealSamples, AuditdRecords) {
  VIGIL_REQUIRE_DATA(file, "logs/otrf/linux/sh_arp_cache_2020-11-10074812.log");
  const auto lines = read_lines(file);
  const auto r = decode_text(testing::read_file(file), "auditd");
  size_t n = 0, proctitles = 0;
  for (const auto& line : lines) {
    if (line.empty()) continue;
    ASSERT_LT(n, r.events.size());
    const Event& e = r.events[n++];
    const std::string type = line.substr(5, line.find(' ') - 5);
    EXPECT_EQ(str(e, "auditd.log.record_type"), type);
    const size_t open = line.find("audit(") + 6;
    EXPECT_EQ(e.time.seconds(), std::stoll(line.substr(open, line.find('.', open) - open)));
    // Quoted values read straight from the line: exe="/usr/sbin/arp", a0="arp".
    auto quoted = [&](const std::string& key) -> std::string {
      const size_t at = line.find(" " + key + "=\"");
      if (at == std::string::npos) return "<absent>";
      const size_t start = at + key.size() + 3;
      return line.substr(start, line.find('"', start) - start);
    };
    if (type == "EXECVE") {
      EXPECT_EQ(str(e, "auditd.data.a0"), quoted("a0"));
    }
    if (type == "SYSCALL") {
      EXPECT_EQ(str(e, "process.executable"), quoted("exe"));
      EXPECT_EQ(str(e, "process.name"), quoted("comm"));
    }
    if (type == "PROCTITLE") {  // the command line in hex, its arguments NUL-separated
      const size_t at = line.find("proctitle=") + 10;
      const std::string hex = line.substr(at, line.find(' ', at) - at);
      std::string text;
      for (size_t i = 0; i + 1 < hex.size(); i += 2) {
        const char c = static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
        text += c == '\0' ? ' ' : c;
      }
      ++proctitles;
      EXPECT_EQ(str(e, "auditd.data.proctitle"), text);
      EXPECT_EQ(str(e, "process.command_line"), text);
    }
  }
  EXPECT_EQ(proctitles, 2u);
  EXPECT_EQ(n, 12u);
  EXPECT_EQ(r.events.size(), n);
  EXPECT_EQ(r.flagged, 0u);
}

// Declared decoders (regex, kv, csv; built with a DocBuilder) on real samples:
// each expected value is split out of the raw line here, or read by the test's
// own CSV reader.
DecodeResult decode_declared(const std::string& text, const DeclaredDecoderConfig& c) {
  DecoderCatalog catalog;
  catalog.declared = {c};
  auto d = make_decoder(c.name, catalog);
  EXPECT_TRUE(d.has_value());
  DecodeResult out;
  (*d)->decode(text, 1, kReceived, out);
  return out;
}

TEST(RealSamples, DeclaredCsvDecoderOnLoghubsStructuredOpenSsh) {
  VIGIL_REQUIRE_DATA(file, "logs/loghub/OpenSSH/OpenSSH_2k.log_structured.csv");
  DeclaredDecoderConfig c;
  c.name = "ssh_table";
  c.type = "csv";
  c.columns = {"LineId", "Date",    "Day",     "Time",         "Component",
               "Pid",    "Content", "EventId", "EventTemplate"};
  c.fields = {{"Component", "host.hostname"},
              {"Pid", "process.pid"},
              {"Content", "message"},
              {"EventId", "event.code"}};
  c.set = {{"event.category", "authentication"}};
  const auto rows = read_csv_rows(file);
  ASSERT_EQ(rows.size(), 2000u);
  const auto r = decode_declared(testing::read_file(file), c);
  ASSERT_EQ(r.events.size(), rows.size());  // the header row is not an event
  EXPECT_EQ(r.flagged, 0u);
  for (size_t i = 0; i < rows.size(); ++i) {
    const Event& e = r.events[i];
    const auto& row = rows[i];
    ASSERT_EQ(str(e, "LineId"), row.at("LineId")) << i;
    EXPECT_EQ(str(e, "host.hostname"), row.at("Component")) << i;
    EXPECT_EQ(str(e, "process.pid"), row.at("Pid")) << i;  // a number: ".pid" fields are typed
    EXPECT_EQ(FieldPath("process.pid").find(e.doc)->kind(), Value::Kind::kInt) << i;
    EXPECT_EQ(str(e, "message"), row.at("Content")) << i;
    EXPECT_EQ(str(e, "event.code"), row.at("EventId")) << i;
    EXPECT_EQ(str(e, "EventTemplate"), row.at("EventTemplate")) << i;
    EXPECT_EQ(str(e, "event.category"), "authentication");
    EXPECT_EQ(str(e, "event.module"), "ssh_table");
  }
}

TEST(RealSamples, DeclaredRegexAndKvDecodersOnProxifierAndAuditLines) {
  VIGIL_REQUIRE_DATA(proxifier, "logs/loghub/Proxifier/Proxifier_2k.log");
  VIGIL_REQUIRE_DATA(audit, "logs/otrf/linux/sh_arp_cache_2020-11-10074812.log");
  DeclaredDecoderConfig re;
  re.name = "proxifier";
  re.type = "regex";
  re.pattern =
      R"(^\[(?P<ts>[^\]]+)\] (?P<program>\S+)(?: \*64)? - (?P<dest>[^:\s]+):(?P<port>\d+) (?P<msg>.*)$)";
  re.fields = {{"program", "process.name"},
               {"dest", "destination.domain"},
               {"port", "destination.port"},
               {"msg", "message"}};
  const auto lines = read_lines(proxifier);
  auto r = decode_declared(testing::read_file(proxifier), re);
  ASSERT_EQ(r.events.size(), 2000u);
  EXPECT_EQ(r.flagged, 0u);
  size_t n = 0;
  for (const auto& raw : lines) {
    std::string line = raw;  // as the decoder sees it: without a CR line end
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const Event& e = r.events[n++];
    const size_t close = line.find("] "), dash = line.find(" - ", close);
    std::string program = line.substr(close + 2, dash - close - 2);
    if (program.size() > 4 && program.substr(program.size() - 4) == " *64")
      program.resize(program.size() - 4);
    const size_t colon = line.find(':', dash + 3), space = line.find(' ', colon);
    EXPECT_EQ(str(e, "ts"), line.substr(1, close - 1)) << line;
    EXPECT_EQ(str(e, "process.name"), program) << line;
    EXPECT_EQ(str(e, "destination.domain"), line.substr(dash + 3, colon - dash - 3)) << line;
    EXPECT_EQ(str(e, "destination.port"), line.substr(colon + 1, space - colon - 1)) << line;
    EXPECT_EQ(str(e, "message"), line.substr(space + 1)) << line;
    EXPECT_EQ(str(e, "event.original"), line);
  }
  EXPECT_EQ(n, r.events.size());

  DeclaredDecoderConfig kv;
  kv.name = "audit_kv";
  kv.type = "kv";
  kv.fields = {{"pid", "process.pid"}, {"comm", "process.name"}, {"exe", "process.executable"}};
  const auto audit_lines = read_lines(audit);
  r = decode_declared(testing::read_file(audit), kv);
  n = 0;
  for (const auto& line : audit_lines) {
    if (line.empty()) continue;
    ASSERT_LT(n, r.events.size());
    const Event& e = r.events[n++];
    auto value = [&](const std::string& key) -> std::string {  // key=value or key="value"
      const size_t at = line.find(" " + key + "=");
      if (at == std::string::npos) return "<absent>";
      size_t start = at + key.size() + 2;
      const char end = line[start] == '"' ? '"' : ' ';
      if (end == '"') ++start;
      return line.substr(start, line.find(end, start) - start);
    };
    EXPECT_EQ(str(e, "type"), line.substr(5, line.find(' ') - 5));
    EXPECT_EQ(str(e, "process.pid"), value("pid")) << line;
    EXPECT_EQ(str(e, "process.name"), value("comm")) << line;
    EXPECT_EQ(str(e, "process.executable"), value("exe")) << line;
    EXPECT_EQ(str(e, "event.module"), "audit_kv");
  }
  EXPECT_EQ(n, 12u);
  EXPECT_EQ(r.events.size(), n);
  EXPECT_EQ(r.flagged, 0u);
}

}  // namespace
}  // namespace vigil
