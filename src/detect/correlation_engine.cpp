#include "detect/correlation_engine.h"

#include <xxhash.h>

#include <algorithm>
#include <span>
#include <unordered_map>

#include "core/field_path.h"
#include "core/json_writer.h"
#include "detect/correlation_window.h"
#include "detect/event_fields.h"
#include "detect/event_file.h"

namespace vigil::sigma {
namespace {

using state::WindowEntry;
using state::WindowState;

std::string text_of(const Value* v) {
  if (v != nullptr && v->is_array() && !v->as_array().empty()) v = &v->as_array().front();
  const Subject s(v);
  return s.has_text() ? std::string(s.raw()) : std::string();
}

// The event fields a group-by name stands for with this source rule:
// an alias (first present field wins) or the name itself.
std::span<const std::string> fields_for(const Correlation& c, const std::string& name,
                                        uint32_t source) {
  if (c.aliases.empty()) return {&name, 1};
  const auto alias = c.aliases.find(name);
  if (alias != c.aliases.end()) {
    const auto per_rule = alias->second.find(c.rules[source]);
    if (per_rule != alias->second.end()) return per_rule->second;
  }
  return {&name, 1};
}

std::string first_present(const Value& doc, std::span<const std::string> fields) {
  for (const auto& f : fields) {
    std::string t = text_of(correlation_field(doc, f));
    if (!t.empty()) return t;
  }
  return {};
}

// Which alert entity slot a group-by name fills.
void fill_entity(AlertEntity& e, const std::string& field, const std::string& value) {
  std::string f = field;
  std::transform(f.begin(), f.end(), f.begin(), [](unsigned char ch) { return std::tolower(ch); });
  const auto has = [&](const char* s) { return f.find(s) != std::string::npos; };
  if (has("session")) {
    e.session = value;
  } else if (has("user") || has("account")) {
    e.user = value;
  } else if (has("host") || has("computer") || has("destination")) {
    e.host = value;
  } else if (has("ip") || has("source") || has("address")) {
    e.source_ip = value;
  }
}

bool number_of(const Value* v, double& out) {
  if (v == nullptr) return false;
  if (v->is_number()) {
    out = v->number();
    return true;
  }
  if (!v->is_string()) return false;
  const std::string& s = v->as_string();
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return !s.empty() && end == s.c_str() + s.size();
}

// An evidence record back as the document alerts carry.
void append_evidence(std::vector<Value>& out, const state::Evidence* e) {
  if (e == nullptr) return;
  auto docs = parse_events(e->json());
  if (docs && docs->size() == 1) out.push_back(std::move(docs->front()));
}

// The triggering events an alert carries: the late event that completed the
// window (when it is older than the kept ones), then the kept events inside
// the window, oldest first.
std::vector<Value> window_events(const WindowState& w, const WindowResult& r, size_t at,
                                 size_t kept_from) {
  std::vector<Value> out;
  if (at < kept_from) append_evidence(out, w.entries[at].evidence.get());
  for (size_t i = std::max(r.first, kept_from); i <= r.last; ++i) {
    append_evidence(out, w.entries[i].evidence.get());
  }
  return out;
}

// Field names are split into paths once per thread, not per event: the
// names come from the loaded correlations, a bounded set.
const FieldPath& path_of(const std::string& name) {
  thread_local std::unordered_map<std::string, FieldPath> paths;
  auto it = paths.find(name);
  if (it == paths.end()) it = paths.emplace(name, FieldPath(name)).first;
  return it->second;
}

}  // namespace

const Value* correlation_field(const Value& doc, const std::string& name) {
  if (const Value* v = path_of(name).find(doc)) return v;
  const Value* event = doc.find("Event");
  if (event == nullptr) return nullptr;
  for (const char* section : {"EventData", "System"}) {
    const Value* s = event->find(section);
    if (s == nullptr) continue;
    if (const Value* v = s->find(name)) return v;
  }
  return nullptr;
}

CorrelationEngine::CorrelationEngine(std::shared_ptr<state::StateStore> store,
                                     CorrelationOptions options)
    : store_(std::move(store)),
      options_(options),
      evidence_budget_(std::make_shared<state::EvidenceBudget>(options.max_evidence_bytes)) {}

bool CorrelationEngine::consumes_any(const CorrelationSet& set,
                                     const std::vector<MatchedRule>& matches) {
  return std::any_of(matches.begin(), matches.end(),
                     [&](const MatchedRule& m) { return !set.consumers_of(m.rule).empty(); });
}

CorrelationInput CorrelationEngine::capture(const CorrelationSet& set, Timestamp time,
                                            const Value& doc) {
  Object fields;
  for (const auto& name : set.fields_read()) {
    if (const Value* v = correlation_field(doc, name)) fields.emplace_back(name, *v);
  }
  // Compression stretches the evidence budget; while a quarter of it holds
  // everything, it would only cost time (a low event rate, a benchmark's
  // burst: −27 % for the built-in pack's detector when every event paid).
  const bool stretch = evidence_budget_->used() >= evidence_budget_->max_bytes() / 4;
  std::string json = to_json(doc);
  return CorrelationInput{time, Value(std::move(fields)),
                          stretch ? evidence_codec_.make(std::move(json))
                                  : evidence_codec_.make_plain(std::move(json))};
}

void CorrelationEngine::process(const CorrelationSet& set, const Event& event,
                                const std::vector<MatchedRule>& matches, AlertSink& alerts) {
  if (!consumes_any(set, matches)) return;
  process(set, capture(set, event.time, event.doc), matches, alerts);
}

void CorrelationEngine::process(const CorrelationSet& set, const CorrelationInput& input,
                                const std::vector<MatchedRule>& matches, AlertSink& alerts) {
  for (const auto& m : matches) {
    for (const auto& consumer : set.consumers_of(m.rule)) feed(set, consumer, input, alerts, 0);
  }
}

void CorrelationEngine::feed(const CorrelationSet& set, const CorrelationSet::Consumer& to,
                             const CorrelationInput& in, AlertSink& alerts, int depth) {
  const Correlation& c = *set.correlations()[to.correlation];
  const Value& doc = in.fields;
  // The group-by values, in c.group_by's order; the alert's entity and group
  // are made from them only when a window fires.
  std::vector<std::string> values;
  values.reserve(c.group_by.size());
  std::string key = c.meta.id.empty() ? c.meta.display_name() : c.meta.id;
  for (const auto& g : c.group_by) {
    std::string v = first_present(doc, fields_for(c, g, to.source));
    if (v.empty()) return;  // an event without a group-by value has no group
    key += '\x1f';
    key += v;
    values.push_back(std::move(v));
  }
  WindowEntry entry;
  entry.time_us = in.time.micros;
  entry.source = to.source;
  // The entry holds the evidence while its windows are checked; whether it
  // keeps it is decided below.
  if (options_.events_per_alert > 0) entry.evidence = in.evidence;
  if (c.type == CorrelationType::kValueCount) {
    std::string distinct;
    for (const auto& field : c.fields) {
      distinct += text_of(correlation_field(doc, field));
      distinct += '\x1f';
    }
    if (distinct.size() == c.fields.size()) return;  // none of the fields is present
    entry.key_hash = XXH3_64bits(distinct.data(), distinct.size());
  } else if (aggregates_values(c.type)) {
    if (!number_of(correlation_field(doc, c.fields.front()), entry.number)) return;
  }
  std::optional<WindowResult> fired;
  std::vector<Value> events;
  store_->with_window(
      key, entry.time_us, c.timespan_us + options_.allowed_lateness_us, [&](WindowState& w) {
        GroupWindow& g = group_window(c, w);
        // Lateness is judged against the group's own newest
        // event, so workers interleaving unrelated groups (or
        // replay chunks) do not make each other late.
        const bool in_order = entry.time_us >= w.newest_us;
        if (!in_order) {
          const bool too_late = w.newest_us - entry.time_us > options_.allowed_lateness_us;
          metrics::Counter* counter = too_late ? options_.too_late_events : options_.late_events;
          if (counter != nullptr) counter->inc();
          if (too_late) return;
        }
        w.newest_us = std::max(w.newest_us, entry.time_us);
        const int64_t horizon = w.newest_us - c.timespan_us - options_.allowed_lateness_us;
        size_t expired = 0;
        while (expired < w.entries.size() && w.entries[expired].time_us < horizon) ++expired;
        w.drop_oldest(expired);
        const size_t at = insert_entry(c, w, g, std::move(entry));
        // Only the newest events_per_alert entries keep their event (a late
        // one older than those keeps it until its windows are checked).
        const size_t size = w.entries.size();
        const size_t kept_from =
            size > options_.events_per_alert ? size - options_.events_per_alert : 0;
        if (at >= kept_from && kept_from > 0) w.entries[kept_from - 1].evidence.reset();
        fired = in_order ? evaluate_newest(c, w, g) : evaluate_late(c, w, at);
        if (fired) events = window_events(w, *fired, at, kept_from);
        // Half the evidence budget is kept for groups at least halfway to
        // their threshold: under pressure, evidence goes where alerts are
        // likely, not to the many groups that will expire quietly.
        auto& kept = w.entries[at].evidence;
        const bool near = g.aggregate.progress(c) >= 0.5;
        if (kept && (at < kept_from || !kept->keep_within(evidence_budget_, near))) {
          if (at >= kept_from && options_.evidence_refused != nullptr)
            options_.evidence_refused->inc();
          kept.reset();
        }
        g.expected_size = size;
      });
  if (!fired) return;
  if (set.alerts_on_its_own(to.correlation)) {
    Alert a;
    a.rule = c.meta.display_name();
    a.rule_id = c.meta.id;
    a.title = c.meta.title;
    a.severity = c.meta.level;
    a.description = c.meta.description.empty() ? c.meta.title : c.meta.description;
    a.time = in.time;
    a.tags = c.meta.tags;
    a.references = c.meta.references;
    a.author = c.meta.author;
    Object group;
    for (size_t i = 0; i < c.group_by.size(); ++i) {
      fill_entity(a.entity, c.group_by[i], values[i]);
      group.emplace_back(c.group_by[i], values[i]);
    }
    a.events = std::move(events);
    Object ctx;
    ctx.emplace_back("correlation", std::string(to_string(c.type)));
    ctx.emplace_back("timespan", c.timespan_text);
    ctx.emplace_back("group", Value(std::move(group)));
    ctx.emplace_back("value", fired->value);
    ctx.emplace_back("events_in_window", static_cast<uint64_t>(fired->events));
    ctx.emplace_back("level", c.meta.level_name);
    a.context = Value(std::move(ctx));
    alerts.emit(std::move(a));
  }
  if (depth >= 8) return;  // links are acyclic (checked at load); this bounds the depth
  for (const auto& next : set.consumers_of(to.correlation)) feed(set, next, in, alerts, depth + 1);
}

}  // namespace vigil::sigma
