// sigma_bench: what the Sigma detect stage costs per event with the
// built-in rule pack (rules/vigil) on seed-schema events.
//   sigma_bench --corpus FILE.ndjson [--passes N]
// Events are decoded and normalized first (untimed), as `vigil run` hands
// them to the detect stage. Then, one thread, thread CPU time, best of N
// passes:
//   match     RuleSet::match over every event (the detection rules alone)
//   match_hot the same, each event matched once untimed just before (in
//             batches of 64): the event in cache, as the detect stage meets
//             it right after normalization in `vigil run`
//   detector  SigmaDetector::on_event over every event (rules, correlation
//             windows, alerts into a counting sink); each pass is shifted
//             four weeks later so its windows start empty
// Prints one JSON line, with the rule-set build time and its memory.

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "app/detection.h"
#include "config/config.h"
#include "core/allocator_tuning.h"
#include "detect/sigma_detector.h"
#include "detector_bench.h"
#include "normalize/normalizer.h"

int main(int argc, char** argv) {
  vigil::tune_allocator();  // as vigil runs
  const auto args = vigil::bench::parse_detector_bench_args(argc, argv, "sigma_bench", 3);
  if (!args) return 2;
  vigil::Config config = vigil::default_config();
  vigil::Normalizer normalizer(config.normalize);
  std::vector<vigil::Event> events = vigil::bench::read_corpus(args->corpus);
  for (auto& e : events) normalizer.normalize(e);

  const size_t rss0 = vigil::bench::resident_bytes();
  const double b0 = vigil::bench::thread_cpu_s();
  auto stage = vigil::DetectionStage::create(config.detect, nullptr);
  const double build_s = vigil::bench::thread_cpu_s() - b0;
  const size_t rss1 = vigil::bench::resident_bytes();
  if (!stage || (*stage)->detectors().empty()) {
    std::fprintf(stderr, "sigma_bench: the built-in rules did not load\n");
    return 1;
  }
  auto detector = std::dynamic_pointer_cast<vigil::sigma::SigmaDetector>((*stage)->detectors()[0]);
  const auto rules = detector->rules();

  const double n = static_cast<double>(events.size());
  double match_best = 1e9, match_hot_best = 1e9, detector_best = 1e9;
  constexpr size_t kHotBatch = 64;
  size_t matches = 0;
  vigil::bench::CountingSink sink;
  sink.count_by_rule = true;
  for (int p = 1; p <= args->passes; ++p) {
    matches = 0;
    const double m0 = vigil::bench::thread_cpu_s();
    for (const auto& e : events) matches += rules->match(e.doc).size();
    match_best = std::min(match_best, vigil::bench::thread_cpu_s() - m0);

    // The same with each event in cache, as after normalization in `vigil
    // run`: batches of 64 events are matched once untimed, then timed.
    double hot = 0;
    for (size_t at = 0; at < events.size(); at += kHotBatch) {
      const size_t end = std::min(events.size(), at + kHotBatch);
      for (size_t i = at; i < end; ++i) rules->match(events[i].doc);
      const double h0 = vigil::bench::thread_cpu_s();
      for (size_t i = at; i < end; ++i) rules->match(events[i].doc);
      hot += vigil::bench::thread_cpu_s() - h0;
    }
    match_hot_best = std::min(match_hot_best, hot);

    const int64_t shift = int64_t{p} * 28 * 86400 * 1'000'000;
    for (auto& e : events) e.time.micros += shift;
    sink.alerts = 0;
    sink.by_rule.clear();
    const double d0 = vigil::bench::thread_cpu_s();
    for (auto& e : events) detector->on_event(e, sink);
    detector_best = std::min(detector_best, vigil::bench::thread_cpu_s() - d0);
    for (auto& e : events) e.time.micros -= shift;
  }
  const auto state = detector->engine()->store().stats();
  std::string by_rule;
  for (const auto& [rule, count] : sink.by_rule)
    by_rule += (by_rule.empty() ? "\"" : ",\"") + rule + "\":" + std::to_string(count);
  std::printf(
      "{\"events\":%zu,\"rules\":%zu,\"build_cpu_s\":%.3f,\"build_rss_mib\":%.1f,"
      "\"match_per_cpu_s\":%.0f,\"match_hot_per_cpu_s\":%.0f,\"detector_per_cpu_s\":%.0f,\"matches_"
      "per_pass\":%zu,"
      "\"alerts_last_pass\":%zu,\"groups\":%llu,\"expired\":%llu,\"evicted\":%llu,"
      "\"evidence_mib\":%.1f,\"alerts_by_rule\":{%s}}\n",
      events.size(), rules->rule_count(), build_s,
      (static_cast<double>(rss1) - static_cast<double>(rss0)) / (1024.0 * 1024.0), n / match_best,
      n / match_hot_best, n / detector_best, matches, sink.alerts,
      static_cast<unsigned long long>(state.groups), static_cast<unsigned long long>(state.expired),
      static_cast<unsigned long long>(state.evicted),
      static_cast<double>(detector->engine()->evidence_bytes()) / (1024.0 * 1024.0),
      by_rule.c_str());
  return 0;
}
