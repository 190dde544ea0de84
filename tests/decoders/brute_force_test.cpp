// The done-when at the detection level: the built-in
// excessive_failed_logins_by_source rule, run by the real Sigma correlation
// engine over the sshd decoder's events of the loghub OpenSSH sample, alerts
// for exactly the source addresses that made >= 5 failed attempts within 5
// minutes — counted here from the raw text, independently of vigil.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/field_path.h"
#include "decoders/loghub_structure.h"
#include "decoders/rule_runner.h"
#include "detect/sigma.h"
#include "ingest/decoders/decoder.h"
#include "normalize/normalizer.h"
#include "support/test_data.h"
#include "support/vigil_process.h"

namespace vigil {
namespace {

constexpr int kYear = 2015;

using testing::CollectAlerts;

int64_t bsd_seconds(const std::string& line) {
  static const std::string kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
  const auto month = static_cast<unsigned>(kMonths.find(line.substr(0, 3)) / 3 + 1);
  const auto day = static_cast<unsigned>(std::stoi(line.substr(4, 2)));
  return days_from_civil(kYear, month, day) * 86400 + std::stoi(line.substr(7, 2)) * 3600 +
         std::stoi(line.substr(10, 2)) * 60 + std::stoi(line.substr(13, 2));
}

// Source IP -> times of failed attempts, from the raw lines: "]: Failed ...
// from IP port" counts once, "]: message repeated N times: [ Failed ... ]" N times.
std::map<std::string, std::vector<int64_t>> failures(const std::vector<std::string>& lines) {
  std::map<std::string, std::vector<int64_t>> out;
  for (const auto& line : lines) {
    const size_t colon = line.find("]: ");
    if (colon == std::string::npos) continue;
    std::string msg = line.substr(colon + 3);
    size_t n = 1;
    if (msg.rfind("message repeated ", 0) == 0) {
      n = std::stoul(msg.substr(17));
      msg = msg.substr(msg.find("[ ") + 2);
    }
    if (msg.rfind("Failed ", 0) != 0) continue;
    const size_t from = msg.rfind(" from ") + 6;
    const std::string ip = msg.substr(from, msg.find(' ', from) - from);
    for (size_t i = 0; i < n; ++i) out[ip].push_back(bsd_seconds(line));
  }
  return out;
}

std::set<std::string> at_least_5_in_5_minutes(std::map<std::string, std::vector<int64_t>> by_ip) {
  std::set<std::string> out;
  for (auto& [ip, t] : by_ip) {
    std::sort(t.begin(), t.end());
    for (size_t i = 0; i + 4 < t.size(); ++i) {
      if (t[i + 4] - t[i] <= 300) out.insert(ip);
    }
  }
  return out;
}

TEST(BuiltinRulesOnRealLogs, BruteForceAlertsExactlyTheSourcesThatMadeFiveFailuresInFiveMinutes) {
  VIGIL_REQUIRE_DATA(dir, "logs/loghub/OpenSSH");
  const auto lines = testing::read_lines(dir / "OpenSSH_2k.log");
  const auto expected = at_least_5_in_5_minutes(failures(lines));
  ASSERT_FALSE(expected.empty());

  const auto rules_dir = testing::source_dir() / "rules" / "vigil";
  const auto detector = testing::detector_for({rules_dir / "excessive_failed_logins_by_source.yml",
                                               rules_dir / "invalid_user_enumeration.yml"});

  DecoderCatalog catalog;
  catalog.year = kYear;
  auto decoder = make_decoder("sshd", catalog);
  ASSERT_TRUE(decoder.has_value());
  DecodeResult decoded;
  (*decoder)->decode(testing::read_file(dir / "OpenSSH_2k.log"), 1, Timestamp::now(), decoded);
  const Normalizer normalizer(default_config().normalize);
  CollectAlerts sink;
  for (Event& e : decoded.events) {
    normalizer.normalize(e);
    detector->on_event(e, sink);
  }
  std::set<std::string> alerted, enumerators;
  const FieldPath source_ip("source.ip");
  for (const Alert& a : sink.alerts) {
    if (a.events.empty()) continue;
    const Value* ip = source_ip.find(a.events.front());
    const std::string text = ip && ip->is_string() ? ip->as_string() : "<none>";
    if (a.rule == "excessive_failed_logins_by_source") alerted.insert(text);
    if (a.rule == "invalid_user_enumeration") enumerators.insert(text);
  }
  EXPECT_EQ(alerted, expected);

  // Enumeration: sources with >= 3 distinct "Invalid user X from IP" names
  // within an hour, from the raw text.
  std::map<std::string, std::vector<std::pair<int64_t, std::string>>> invalid;
  for (const auto& line : lines) {
    const size_t at = line.find("]: Invalid user ");
    if (at == std::string::npos) continue;
    const std::string rest = line.substr(at + 16);
    const size_t from = rest.rfind(" from ");
    invalid[rest.substr(from + 6, rest.find(' ', from + 6) - from - 6)].emplace_back(
        bsd_seconds(line), rest.substr(0, from));
  }
  std::set<std::string> expected_enum;
  for (const auto& [ip, tries] : invalid) {
    for (size_t i = 0; i < tries.size(); ++i) {
      std::set<std::string> names;
      for (size_t j = i; j < tries.size() && tries[j].first - tries[i].first <= 3600; ++j)
        names.insert(tries[j].second);
      if (names.size() >= 3) expected_enum.insert(ip);
    }
  }
  EXPECT_FALSE(expected_enum.empty());
  EXPECT_EQ(enumerators, expected_enum);
}

// The same done-when through the command users run: `vigil replay --format
// sshd` with the built-in pack. Alerts carry the source address anonymized to
// its /24 (the sanitizer's default), so the expected set is compared at /24.
std::string slash24(const std::string& ip) {
  return ip.substr(0, ip.rfind('.')) + ".0";
}

TEST(BuiltinRulesOnRealLogs, ReplayOfTheOpenSshSampleAlertsExactlyTheBruteForcers) {
  VIGIL_REQUIRE_DATA(dir, "logs/loghub/OpenSSH");
  const auto lines = testing::read_lines(dir / "OpenSSH_2k.log");
  const auto by_ip = failures(lines);
  std::set<std::string> expected, others;
  for (const auto& ip : at_least_5_in_5_minutes(by_ip)) expected.insert(slash24(ip));
  for (const auto& [ip, times] : by_ip) {
    if (!expected.count(slash24(ip))) others.insert(slash24(ip));
  }
  ASSERT_FALSE(expected.empty());
  ASSERT_FALSE(others.empty());  // sources that failed, but too slowly or too rarely

  const auto work =
      std::filesystem::temp_directory_path() / ("vigil-sshd-replay-" + std::to_string(::getpid()));
  std::filesystem::create_directories(work);
  const auto alerts_file = work / "alerts.jsonl";
  std::string summary;
  ASSERT_EQ(testing::run_capture({testing::vigil_binary().string(), "replay", "--no-store",
                                  "--format", "sshd", "--year", std::to_string(kYear), "--alerts",
                                  alerts_file.string(), (dir / "OpenSSH_2k.log").string()},
                                 summary),
            0);
  const auto reply = nlohmann::json::parse(summary);
  // "message repeated N times" lines become N events, so more events than lines.
  EXPECT_GE(reply["read"].get<size_t>(), lines.size());
  EXPECT_EQ(reply["rejected"].get<size_t>(), 0u);

  std::set<std::string> alerted;
  std::ifstream in(alerts_file);
  for (std::string line; std::getline(in, line);) {
    const auto alert = nlohmann::json::parse(line);
    if (alert["rule_name"] != "excessive_failed_logins_by_source") continue;
    alerted.insert(alert["entity"]["source_ip"].get<std::string>());
  }
  std::filesystem::remove_all(work);
  EXPECT_EQ(alerted, expected);
  for (const auto& ip : others) EXPECT_FALSE(alerted.count(ip)) << ip;
}

}  // namespace
}  // namespace vigil
