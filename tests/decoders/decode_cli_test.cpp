// `vigil decode` through the real binary: one canonical event per line of a
// hand-written auth.log excerpt (expected values read off the raw lines), the
// summary and exit codes, declared decoders from --config, and a truncated
// gzip (the lines before the cut are kept and the truncation reported).
#include <fmt/format.h>
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

// `text` gzipped, as `gzip` would write it.
std::string gzip(const std::string& text) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, text.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// What inflating `gz` yields before its input runs out (a truncated stream
// stops with Z_BUF_ERROR, not Z_STREAM_END).
std::string gunzip_prefix(const std::string& gz) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 31), Z_OK);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  std::string out;
  char buf[1 << 16];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
  }
  EXPECT_EQ(rc, Z_BUF_ERROR);  // ran out of input: truncated
  inflateEnd(&z);
  return out;
}

// Events a raw sshd line makes: one, or N for "message repeated N times: [
// msg ]" (docs/sources.md).
size_t events_of_line(const std::string& line) {
  const std::string mark = "message repeated ";
  const size_t at = line.find(mark);
  return at == std::string::npos ? 1 : std::stoul(line.substr(at + mark.size()));
}

// The first half of the gzipped OpenSSH sample, the complete lines it still
// holds, and how many events those make (the cut last line adds one more).
struct TruncatedSample {
  std::filesystem::path file;
  std::vector<std::string> complete_lines;
  size_t complete_events = 0;
  bool cut_line = false;
};

TruncatedSample truncated_openssh(const std::filesystem::path& sample,
                                  const std::filesystem::path& dir) {
  const std::string text = read_file(sample);
  const std::string gz = gzip(text);
  const std::string cut = gz.substr(0, gz.size() / 2);
  TruncatedSample t{dir / "OpenSSH_2k.log.gz", {}, 0, false};
  std::ofstream(t.file, std::ios::binary) << cut;
  const std::string survived = gunzip_prefix(cut);
  EXPECT_EQ(text.compare(0, survived.size(), survived), 0);
  std::istringstream in(survived);
  for (std::string line; std::getline(in, line);) t.complete_lines.push_back(line);
  t.cut_line = !survived.empty() && survived.back() != '\n';
  if (t.cut_line) t.complete_lines.pop_back();
  for (const auto& line : t.complete_lines) t.complete_events += events_of_line(line);
  return t;
}

// The pid in a raw line "Mon DD HH:MM:SS host sshd[PID]: ...".
int raw_pid(const std::string& line) {
  const size_t open = line.find("sshd[") + 5;
  return std::stoi(line.substr(open, line.find(']', open) - open));
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

// A gzip cut in half keeps every line read before the cut (the cut line
// too, as replay keeps it), says it was truncated, and exits 1.
TEST(DecodeCli, TruncatedGzipKeepsTheLinesBeforeTheCut) {
  VIGIL_REQUIRE_DATA(dir, "logs/loghub/OpenSSH");
  TempDir t;
  const auto sample = truncated_openssh(dir / "OpenSSH_2k.log", t.dir);
  ASSERT_GT(sample.complete_lines.size(), 100u);
  ASSERT_LT(sample.complete_lines.size(), 2000u);
  const auto run = decode({"--decoder", "sshd", sample.file.string()});
  EXPECT_EQ(run.code, 1);
  ASSERT_EQ(run.events.size(), sample.complete_events + (sample.cut_line ? 1 : 0));
  EXPECT_NE(run.all.find("truncated gzip stream"), std::string::npos) << run.all;
  EXPECT_EQ(run.events[0]["process"]["pid"], raw_pid(sample.complete_lines.front()));
  EXPECT_EQ(run.events[sample.complete_events - 1]["process"]["pid"],
            raw_pid(sample.complete_lines.back()));
}

// `rules test --format` reads the file the same way: the rules run over the
// events before the cut, then the truncation is reported with exit 1.
TEST(DecodeCli, RulesTestOnTruncatedGzipRunsTheLinesBeforeTheCut) {
  VIGIL_REQUIRE_DATA(dir, "logs/loghub/OpenSSH");
  TempDir t;
  const auto sample = truncated_openssh(dir / "OpenSSH_2k.log", t.dir);
  std::ofstream(t.dir / "any.yml") << R"(title: Any event
level: low
logsource: {product: vigil}
detection:
  sel: {'@timestamp|exists': true}
  condition: sel
)";
  std::string out;
  EXPECT_EQ(run_capture_merged(
                {vigil_binary().string(), "rules", "test", "--rules", (t.dir / "any.yml").string(),
                 "--events", sample.file.string(), "--format", "sshd"},
                out),
            1);
  EXPECT_NE(out.find(fmt::format("{} events, 1 rules",
                                 sample.complete_events + (sample.cut_line ? 1 : 0))),
            std::string::npos)
      << out.substr(out.size() > 400 ? out.size() - 400 : 0);
  EXPECT_NE(out.find("truncated gzip stream"), std::string::npos);
}

// replay reads the same cut file to the same point (it used to end there
// silently with exit 0: zlib reports a cut stream at gzread's end, not as -1).
TEST(DecodeCli, ReplayOfTruncatedGzipReportsIt) {
  VIGIL_REQUIRE_DATA(dir, "logs/loghub/OpenSSH");
  TempDir t;
  const auto sample = truncated_openssh(dir / "OpenSSH_2k.log", t.dir);
  std::string out;
  EXPECT_EQ(run_capture({vigil_binary().string(), "replay", "--no-store", "--format", "sshd",
                         "--data-dir", (t.dir / "data").string(), sample.file.string()},
                        out),
            1);
  const auto summary = json::parse(out);
  EXPECT_EQ(summary["read"], sample.complete_events + (sample.cut_line ? 1 : 0));
}

}  // namespace
}  // namespace vigil::testing
