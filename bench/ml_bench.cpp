// ml_bench: what the Isolation Forest detector costs per event, and what its
// features can separate.
//   ml_bench --corpus FILE.ndjson [--geoip FILE.mmdb] [--passes N]
//            [--labels LABELS.tsv [--features a,b,...] [--trees T] [--max-samples M]]
// Events are decoded, normalized and enriched first (untimed). Then, one
// thread, thread CPU time:
//   features   MlDetector::on_event over every event before any model exists
//              (features, entity history, reservoirs; nothing scored)
//   training   one retrain_now() (general + one model per event type)
//   scored     on_event over every event again (events shifted four weeks
//              later), now scoring each through `general` and its type's model
// scored − features is the cost of scoring through all applicable models.
// Memory per entity: the heap an entity table fed the same events gives back
// when destroyed, over its entities (heap_allocated_bytes).
//
// With --labels (gen_corpus --scenario behavior --labels): the separability
// probe. Every event's feature row as the detector computes it; one forest
// (the detector's n_estimators / max_samples / seed) on a uniform sample of
// reservoir_size rows of the whole stream (anomalies included at their rate,
// as a reservoir holds them); every event past the learning period scored.
// Per anomaly type: the AUC against the unlabelled events, and the best any
// cut can do — at the cut that keeps 90% of that type's events, how many
// unlabelled events score as high, i.e. the precision bound at recall 0.9
// (other types' anomalies do not count against it: an upper bound). A JSON
// line per type. --features, --trees and --max-samples replace ml.model_features,
// ml.n_estimators and ml.max_samples.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <unordered_map>

#include "anomaly/isolation_forest.h"
#include "anomaly/random.h"
#include "anomaly/roc_auc.h"
#include "core/allocator_tuning.h"
#include "entity_bench.h"
#include "ml/ml_detector.h"

namespace {

using vigil::ml::FeatureRow;

struct Labelled {
  std::vector<FeatureRow> rows;
  std::vector<std::string> type;  // "" = unlabelled
  std::vector<bool> mature;       // past the learning period
};

Labelled rows_of(const vigil::bench::EntityBenchSetup& s,
                 const std::unordered_map<std::string, std::string>& labels) {
  const auto& c = s.config;
  vigil::ml::FactReader reader(c.ml, s.devices);
  vigil::ml::EntityTable table(
      c.ml.max_entities,
      {static_cast<size_t>(c.ml.max_values), static_cast<uint64_t>(c.ml.novelty_min_events),
       c.ml.rate_half_life_s, c.behavior.max_speed_kmh});
  Labelled out;
  for (const auto& e : s.events) {
    auto facts = reader.read(e);
    if (!facts) continue;
    FeatureRow row{};
    vigil::ml::fill_event_features(*facts, row);
    const auto h = table.observe(*facts, row);
    out.rows.push_back(row);
    const vigil::Value* id = e.doc.find("event_id");
    auto it = id && id->is_string() ? labels.find(id->as_string()) : labels.end();
    out.type.push_back(it == labels.end() ? "" : it->second);
    out.mature.push_back(h.events + 1 >= static_cast<uint64_t>(c.behavior.min_events) &&
                         static_cast<double>(facts->observation.time_s - h.first_seen_s) >=
                             c.behavior.min_days * 86400.0);
  }
  return out;
}

std::vector<uint32_t> columns_of(const std::string& list) {
  std::vector<uint32_t> cols;
  const auto names = vigil::ml::feature_names();
  std::stringstream ss(list);
  for (std::string name; std::getline(ss, name, ',');) {
    auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
      std::fprintf(stderr, "unknown feature %s\n", name.c_str());
      std::exit(2);
    }
    cols.push_back(static_cast<uint32_t>(it - names.begin()));
  }
  return cols;
}

void probe(const vigil::bench::EntityBenchSetup& s, const std::string& labels_file,
           const std::string& feature_list, int trees, int max_samples) {
  std::unordered_map<std::string, std::string> labels;
  std::ifstream in(labels_file);
  for (std::string line; std::getline(in, line);) {
    const auto tab = line.find('\t');
    if (tab != std::string::npos) labels[line.substr(0, tab)] = line.substr(tab + 1);
  }
  const Labelled data = rows_of(s, labels);
  std::vector<uint32_t> cols;
  if (feature_list.empty()) {
    const auto names = vigil::ml::feature_names();
    for (const auto& name : s.config.ml.model_features)
      cols.push_back(
          static_cast<uint32_t>(std::find(names.begin(), names.end(), name) - names.begin()));
  } else {
    cols = columns_of(feature_list);
  }
  const auto project = [&](const FeatureRow& r, vigil::anomaly::FeatureMatrix& m) {
    for (const uint32_t c : cols) m.values.push_back(r[c]);
    ++m.rows;
  };
  const auto& c = s.config.ml;
  vigil::anomaly::Random rng(c.seed, 7);
  vigil::anomaly::FeatureMatrix train{0, cols.size(), {}};
  const size_t n = data.rows.size();
  const size_t want = std::min<size_t>(static_cast<size_t>(c.reservoir_size), n);
  std::vector<size_t> picks(n);
  for (size_t i = 0; i < n; ++i) picks[i] = i;
  for (size_t i = 0; i < want; ++i) std::swap(picks[i], picks[i + rng.below(n - i)]);
  for (size_t i = 0; i < want; ++i) project(data.rows[picks[i]], train);
  vigil::anomaly::IsolationForestOptions o;
  o.n_estimators = static_cast<uint32_t>(trees > 0 ? trees : c.n_estimators);
  o.max_samples = vigil::anomaly::MaxSamples::count(
      static_cast<uint32_t>(max_samples > 0 ? max_samples : c.max_samples));
  o.seed = c.seed;
  auto forest = vigil::anomaly::IsolationForest::fit(train, o);
  if (!forest) {
    std::fprintf(stderr, "%s\n", forest.error().message.c_str());
    return;
  }
  vigil::anomaly::FeatureMatrix scored{0, cols.size(), {}};
  std::vector<std::string> type;
  for (size_t i = 0; i < n; ++i) {
    if (!data.mature[i]) continue;
    project(data.rows[i], scored);
    type.push_back(data.type[i]);
  }
  std::vector<double> score(scored.rows);
  (void)forest->score_samples(scored, score);
  std::vector<double> normal;
  for (size_t i = 0; i < score.size(); ++i)
    if (type[i].empty()) normal.push_back(-score[i]);  // anomaly score: higher = stranger
  std::sort(normal.begin(), normal.end());
  std::map<std::string, std::vector<double>> by_type;
  for (size_t i = 0; i < score.size(); ++i)
    if (!type[i].empty()) by_type[type[i]].push_back(-score[i]);
  for (auto& [t, xs] : by_type) {
    std::sort(xs.begin(), xs.end(), std::greater<>());
    const size_t keep = (xs.size() * 9 + 9) / 10;  // recall >= 0.9
    const double cut = xs[keep - 1];
    const auto above =
        static_cast<size_t>(normal.end() - std::lower_bound(normal.begin(), normal.end(), cut));
    std::vector<double> auc_scores(normal.begin(), normal.end());
    std::vector<int8_t> auc_labels(normal.size(), 0);
    for (const double x : xs) {
      auc_scores.push_back(x);
      auc_labels.push_back(1);
    }
    const auto auc = vigil::anomaly::roc_auc(auc_scores, auc_labels);
    std::printf(
        "{\"type\":\"%s\",\"labelled_mature\":%zu,\"auc\":%.4f,\"cut_at_recall_0.9\":%.4f,"
        "\"normal_events\":%zu,\"normal_at_or_above_cut\":%zu,\"precision_bound\":%.3f,"
        "\"median_score\":%.4f,\"normal_p99_9\":%.4f}\n",
        t.c_str(), xs.size(), auc ? *auc : -1.0, cut, normal.size(), above,
        static_cast<double>(keep) / static_cast<double>(keep + above), xs[xs.size() / 2],
        normal[normal.size() * 999 / 1000]);
  }
}

}  // namespace

int main(int argc, char** argv) {
  vigil::tune_allocator();  // as vigil runs
  const auto args = vigil::bench::parse_detector_bench_args(argc, argv, "ml_bench", 3);
  if (!args) return 2;
  auto setup = vigil::bench::prepare_entity_bench(*args);
  if (!setup) return 1;
  if (!args->labels.empty()) {
    probe(*setup, args->labels, args->features, args->trees, args->max_samples);
    return 0;
  }
  auto& events = setup->events;
  const auto& config = setup->config;
  vigil::ml::MlDetector::Options options{.background = false, .devices = setup->devices};
  auto detector = vigil::ml::MlDetector::create(config.ml, setup->sanitizer, nullptr, options);
  if (!detector) {
    std::fprintf(stderr, "%s\n", detector.error().message.c_str());
    return 1;
  }
  vigil::ml::MlDetector& d = **detector;
  vigil::bench::CountingSink sink;
  const double n = static_cast<double>(events.size());
  const double f0 = vigil::bench::thread_cpu_s();
  for (auto& e : events) d.on_event(e, sink);
  const double features_s = vigil::bench::thread_cpu_s() - f0;

  const double t0 = vigil::bench::thread_cpu_s();
  const size_t models = d.retrain_now();
  const double training_s = vigil::bench::thread_cpu_s() - t0;

  double best = 1e9;
  for (int p = 1; p <= args->passes; ++p) {
    vigil::bench::shift_events(events, p);
    sink.alerts = 0;
    const double s0 = vigil::bench::thread_cpu_s();
    for (auto& e : events) d.on_event(e, sink);
    best = std::min(best, vigil::bench::thread_cpu_s() - s0);
    vigil::bench::shift_events(events, -p);
  }
  // Memory per tracked entity: the entity table alone, fed the same events
  // (the detector's own heap also holds the reservoirs and models).
  vigil::ml::FactReader reader(config.ml, setup->devices);
  size_t entities = 0, released = 0;
  {
    vigil::ml::EntityTable table(config.ml.max_entities, {});
    for (const auto& e : events) {
      vigil::ml::FeatureRow row{};
      if (auto facts = reader.read(e)) table.observe(*facts, row);
    }
    entities = table.size();
    released = vigil::bench::heap_in_use();
  }
  released -= vigil::bench::heap_in_use();
  std::printf(
      "{\"heap_bytes_per_entity\":%.0f,\"events\":%zu,\"entities\":%zu,\"models\":%zu,"
      "\"training_s\":%.3f,\"features_ns_per_event\":%.0f,\"scored_ns_per_event\":%.0f,"
      "\"scoring_ns_per_event\":%.0f,\"alerts_last_pass\":%zu}\n",
      static_cast<double>(released) / static_cast<double>(std::max<size_t>(1, entities)),
      events.size(), d.tracked_entities(), models, training_s, features_s * 1e9 / n, best * 1e9 / n,
      (best - features_s) * 1e9 / n, sink.alerts);
  return 0;
}
