#include "integration/daemon_fixture.h"

#include <sqlite3.h>

#include <fstream>

namespace vigil::testing {

Daemon::Daemon(const std::string& config_yaml, std::vector<std::string> extra_args)
    : dir_(make_temp_dir("vigil-it")) {
  std::vector<std::string> args = {"run", "--listen", "127.0.0.1:0", "--data-dir",
                                   (dir_ / "data").string()};
  if (!config_yaml.empty()) {
    std::ofstream(dir_ / "vigil.yaml") << config_yaml;
    args.push_back("--config");
    args.push_back((dir_ / "vigil.yaml").string());
  }
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  process_ = std::make_unique<VigilProcess>(args, dir_);
  port_ = process_->wait_for_port();
}

Daemon::~Daemon() {
  process_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

httplib::Client Daemon::client() const {
  httplib::Client c("127.0.0.1", port_);
  c.set_read_timeout(30, 0);
  return c;
}

std::pair<int, nlohmann::json> Daemon::post_ndjson(const std::string& body,
                                                   const std::string& token) const {
  auto c = client();
  httplib::Headers headers;
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  auto res = c.Post("/api/v1/events", headers, body, "application/x-ndjson");
  if (!res) return {0, nullptr};
  return {res->status, nlohmann::json::parse(res->body, nullptr, false)};
}

nlohmann::json Daemon::get_json(const std::string& path, int* status) const {
  auto c = client();
  auto res = c.Get(path);
  if (status) *status = res ? res->status : 0;
  if (!res) return nullptr;
  return nlohmann::json::parse(res->body, nullptr, false);
}

std::unique_ptr<VigilProcess> start_daemon_in(const std::filesystem::path& dir) {
  return std::make_unique<VigilProcess>(
      std::vector<std::string>{"run", "--listen", "127.0.0.1:0", "--data-dir",
                               (dir / "data").string(), "--config", (dir / "vigil.yaml").string()},
      dir);
}

size_t count_stored_events(const std::filesystem::path& data_dir) {
  size_t total = 0;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir)) {
    const auto name = entry.path().filename().string();
    if (name.rfind("security-events-", 0) != 0 || entry.path().extension() != ".db") continue;
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(entry.path().c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
      sqlite3_stmt* st = nullptr;
      if (sqlite3_prepare_v2(db, "SELECT count(*) FROM events", -1, &st, nullptr) == SQLITE_OK &&
          sqlite3_step(st) == SQLITE_ROW) {
        total += static_cast<size_t>(sqlite3_column_int64(st, 0));
      }
      sqlite3_finalize(st);
    }
    sqlite3_close(db);
  }
  return total;
}

std::vector<nlohmann::json> replay_alerts(const std::filesystem::path& dir) {
  std::string out;
  const int rc = run_capture(
      {vigil_binary().string(), "replay", "--no-store", "--config", (dir / "vigil.yaml").string(),
       "--alerts", (dir / "alerts.jsonl").string(), (dir / "events.ndjson").string()},
      out);
  EXPECT_EQ(rc, 0) << out;
  std::vector<nlohmann::json> alerts;
  std::ifstream in(dir / "alerts.jsonl");
  for (std::string l; std::getline(in, l);) alerts.push_back(nlohmann::json::parse(l));
  return alerts;
}

}  // namespace vigil::testing
