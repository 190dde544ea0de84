// The decode workers run pipeline.worker_nice below the process's priority,
// so the stages after them (detect lanes, the store's writer) and the HTTP
// connections get a core first; every other thread keeps the process's
// priority.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "config/config.h"
#include "pipeline/pipeline.h"
#include "support/detect_stages.h"

namespace vigil {
namespace {

class IdleDetector final : public Detector {
 public:
  std::string_view name() const override { return "idle"; }
  void on_event(Event&, AlertSink&) override {}
};

// Nice value -> how many of this process's threads run at it, read from
// /proc/self/task/*/stat (field 19; the command name before it may hold spaces).
std::map<int, int> threads_by_nice() {
  std::map<int, int> out;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream in(task.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const size_t name_end = stat.rfind(')');
    if (name_end == std::string::npos) continue;
    std::istringstream fields(stat.substr(name_end + 2));
    std::string field;
    for (int i = 3; i <= 19 && fields >> field; ++i) {
      if (i == 19) ++out[std::stoi(field)];
    }
  }
  return out;
}

class WorkerPriority : public ::testing::TestWithParam<bool> {
 protected:
  // Starts a pipeline of two workers (and two lanes with a detector), runs
  // one chunk through it, and returns its threads by nice value once
  // `lowered` threads run at nice + worker_nice (a thread lowers its own
  // priority when it starts: one that idles may not have run yet), or after
  // ten seconds.
  std::map<int, int> run_pipeline(int worker_nice, int lowered) {
    Config config = default_config();
    config.pipeline.workers = 2;
    config.pipeline.worker_nice = worker_nice;
    Stages stages = testing::stages_with(config, std::make_shared<IdleDetector>(), alerts_);
    if (!GetParam()) stages.detectors.clear();
    Pipeline pipeline(config, std::move(stages), nullptr);
    WorkItem item;
    item.body = R"({"timestamp":"2024-05-01T08:00:00Z","user":"alice"})"
                "\n";
    item.received = Timestamp::now();
    auto ticket = pipeline.submit(std::move(item), SubmitMode::kBlock);
    EXPECT_TRUE(ticket.has_value());
    if (ticket) {
      EXPECT_EQ((*ticket)->wait().accepted, 1u);
    }
    const int base = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    auto by_nice = threads_by_nice();
    while (lowered > 0 && by_nice[base + worker_nice] < lowered &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      by_nice = threads_by_nice();
    }
    return by_nice;
  }

  testing::DiscardingAlertSink alerts_;
};

TEST_P(WorkerPriority, WorkersRunBelowTheRest) {
  const int base = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
  if (base > 19 - 7) GTEST_SKIP() << "the test runs at nice " << base << ": no room below";
  auto by_nice = run_pipeline(7, 2);
  EXPECT_EQ(by_nice[base + 7], 2) << "the two workers (and no lane)";
  EXPECT_GE(by_nice[base], 1) << "this thread keeps its priority";
  EXPECT_EQ(by_nice.size(), 2u) << "threads at a third priority";
}

TEST_P(WorkerPriority, ZeroLeavesEveryThreadAtTheProcesssPriority) {
  const int base = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
  const auto by_nice = run_pipeline(0, 0);
  ASSERT_EQ(by_nice.size(), 1u);
  EXPECT_EQ(by_nice.begin()->first, base);
}

INSTANTIATE_TEST_SUITE_P(DetectLanesAndWorkers, WorkerPriority, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "WithDetector" : "WithoutDetectors";
                         });

}  // namespace
}  // namespace vigil
