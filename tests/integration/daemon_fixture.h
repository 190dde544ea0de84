// A running `vigil run` on an ephemeral loopback port with its own data dir.
#pragma once

#include <httplib.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/test_data.h"
#include "support/vigil_process.h"

namespace vigil::testing {

class Daemon {
 public:
  // `config_yaml` is written to a file and passed with --config when not empty.
  explicit Daemon(const std::string& config_yaml = "", std::vector<std::string> extra_args = {});
  ~Daemon();

  bool started() const { return port_ > 0; }
  int port() const { return port_; }
  httplib::Client client() const;
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path data_dir() const { return dir_ / "data"; }
  VigilProcess& process() { return *process_; }

  // POSTs an NDJSON body; returns status and parsed reply (null if not JSON).
  std::pair<int, nlohmann::json> post_ndjson(const std::string& body,
                                             const std::string& token = "") const;
  nlohmann::json get_json(const std::string& path, int* status = nullptr) const;

 private:
  std::filesystem::path dir_;
  std::unique_ptr<VigilProcess> process_;
  int port_ = 0;
};

// `vigil run` on an ephemeral loopback port with DIR/data and the config DIR/vigil.yaml,
// for tests that prepare the directory first or restart the daemon on it.
std::unique_ptr<VigilProcess> start_daemon_in(const std::filesystem::path& dir);

// Counts rows in every day file of a data dir with the sqlite3 library.
size_t count_stored_events(const std::filesystem::path& data_dir);

// `vigil replay --no-store --config DIR/vigil.yaml --alerts ... DIR/events.ndjson`:
// the alerts it wrote, one JSON object per line (fails the test on a non-zero exit).
std::vector<nlohmann::json> replay_alerts(const std::filesystem::path& dir);

}  // namespace vigil::testing
