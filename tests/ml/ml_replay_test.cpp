// `vigil replay` of one file twice raises the same alerts: in replay the ML
// detector retrains on the events' time, in the stream, instead of on a
// wall-clock thread whose passes fall wherever the machine's speed puts them.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/json_writer.h"
#include "ml/traffic.h"
#include "support/vigil_process.h"

namespace vigil::ml {
namespace {

using gen::kDay;
using gen::kMonday;
using gen::Spec;
using gen::Traffic;

// Four weeks of 40 users' weekday traffic, with a few odd events among them
// (a 50x volume at 03:00 from another country) so that alerts exist.
std::string corpus_ndjson() {
  Traffic traffic(40);
  std::vector<Spec> specs = traffic.days(0, 28, 6);
  for (int k = 0; k < 6; ++k) {
    const gen::User& u = traffic.users()[static_cast<size_t>(k * 5)];
    Spec s = traffic.normal(u, kMonday + (15 + k * 2) * kDay);
    s.time_s = kMonday + (15 + k * 2) * kDay + 3 * 3600;
    s.login = false;
    s.kb = u.median_kb * 50;
    s.country = "KP";
    s.lat = 39.03;
    s.lon = 125.75;
    specs.push_back(s);
  }
  std::stable_sort(specs.begin(), specs.end(),
                   [](const Spec& a, const Spec& b) { return a.time_s < b.time_s; });
  std::string out;
  size_t n = 0;
  for (const Spec& s : specs) {
    Event e = gen::to_event(s);
    e.doc.as_object().emplace_back("@timestamp", format_rfc3339(e.time));
    e.doc.as_object().emplace_back("event_id", fmt::format("ev-{}", n++));
    out += to_json(e.doc);
    out += '\n';
  }
  return out;
}

// The alerts file's lines without the random alert id, in file order.
std::vector<nlohmann::json> alerts_without_ids(const std::filesystem::path& file) {
  std::vector<nlohmann::json> out;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line);
    j.erase("id");
    out.push_back(std::move(j));
  }
  return out;
}

TEST(MlReplay, TwoReplaysOfOneFileRaiseTheSameAlerts) {
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("vigil_mlr_{}", getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir / "in.ndjson") << corpus_ndjson();
    // Daily retraining on event time; the wall-clock default (600 s) would
    // never fire during a replay of a few seconds.
    std::ofstream(dir / "vigil.yaml") << "sanitize:\n  pseudonymize_key: ml-replay-test-key\n"
                                         "detect:\n  builtin_rules: false\n"
                                         "behavior:\n  enabled: false\n"
                                         "alerts:\n  dedupe_window_s: 0\n  outputs: []\n"
                                         "pipeline:\n  workers: 1\n"
                                         "logging:\n  level: warn\n"
                                         "ml:\n  min_training_rows: 500\n"
                                         "  retrain_interval_s: 86400\n"
                                         "  retrain_min_new_rows: 200\n";
  }
  std::vector<std::vector<nlohmann::json>> runs;
  for (int run = 0; run < 2; ++run) {
    const auto alerts = dir / fmt::format("alerts{}.jsonl", run);
    std::string out;
    ASSERT_EQ(testing::run_capture({testing::vigil_binary().string(), "replay", "--config",
                                    (dir / "vigil.yaml").string(), "--no-store", "--alerts",
                                    alerts.string(), (dir / "in.ndjson").string()},
                                   out),
              0)
        << out;
    runs.push_back(alerts_without_ids(alerts));
  }
  // ML alerts were raised, by models retrained during the replay (a
  // generation past 1 means a retraining on event time after the first).
  size_t ml_alerts = 0;
  std::set<int64_t> generations;
  for (const auto& a : runs[0]) {
    if (a["rule_name"].get<std::string>().rfind("ml_anomaly", 0) != 0) continue;
    ++ml_alerts;
    generations.insert(a["context"]["generation"].get<int64_t>());
  }
  EXPECT_GT(ml_alerts, 0u);
  ASSERT_FALSE(generations.empty());
  EXPECT_GT(*generations.rbegin(), 1);
  ASSERT_EQ(runs[0].size(), runs[1].size());
  for (size_t i = 0; i < runs[0].size(); ++i) EXPECT_EQ(runs[0][i], runs[1][i]) << "alert " << i;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vigil::ml
