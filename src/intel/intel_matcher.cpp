#include "intel/intel_matcher.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <optional>

#include "intel/normalize.h"
#include "intel/url_normalizer.h"

namespace vigil::intel {
namespace {

// Calls f(string_view) for a string value or each string of an array.
template <typename F>
void for_each_string(const Value* v, F&& f) {
  if (v == nullptr) return;
  if (v->is_string()) {
    if (!v->as_string().empty()) f(std::string_view(v->as_string()));
    return;
  }
  if (!v->is_array()) return;
  for (const Value& item : v->as_array()) {
    if (item.is_string() && !item.as_string().empty()) f(std::string_view(item.as_string()));
  }
}

Array string_array(const std::vector<std::string>& v) {
  return Array(v.begin(), v.end());
}

// One event's values, checked as batches (IndicatorStore::View::check): each
// exact value is normalized and its bucket requested as it is read, so the
// loads overlap the reading of the next values, and the check then settles
// the misses (nearly all) with a bucket scan each. The full lookup result is
// built only for a match; nothing is allocated for a miss. Matches keep the
// order in which the fields were read.
class MatchCollector {
 public:
  MatchCollector(const IndicatorStore::View& view, Timestamp now) : view_(view), now_(now) {}

  void ip(const std::string& field, std::string_view text) {
    if (auto address = IpPrefix::parse(text)) add_ip(field, *address);
  }
  void domain(const std::string& field, std::string_view text) {
    if (auto address = IpPrefix::parse(text)) return add_ip(field, *address);
    add_exact(field, text, IndicatorType::kDomain);
  }
  void url(const std::string& field, std::string_view text) {
    std::string_view host;  // split once for both lookups
    if (normalize_url_key(text, keys_[exact_count_], host)) add_key(field);
    if (!host.empty()) domain(field, host);
  }
  void hash(const std::string& field, std::string_view text) {
    if (auto type = hash_type_by_length(text)) add_exact(field, text, *type);
  }
  void email(const std::string& field, std::string_view text) {
    add_exact(field, text, IndicatorType::kEmail);
  }

  std::vector<FieldMatch> take() {
    check_exact();
    check_ips();
    std::sort(found_.begin(), found_.end(),
              [](const Found& a, const Found& b) { return a.order < b.order; });
    std::vector<FieldMatch> matches;
    for (Found& f : found_) {
      // The same value in two fields (ip_address and its alias source.ip) is one match.
      const bool seen = std::any_of(matches.begin(), matches.end(), [&](const FieldMatch& m) {
        return m.result.type == f.result.type && m.result.value == f.result.value;
      });
      if (!seen) matches.push_back({*f.field, std::move(f.result)});
    }
    return matches;
  }

 private:
  static constexpr size_t kBatch = 32;
  // A value waiting for its check: its field and its place in reading order.
  struct Pending {
    const std::string* field;
    size_t order;
  };
  struct Found {
    const std::string* field;
    size_t order;
    LookupResult result;
  };

  void add_ip(const std::string& field, const IpPrefix& address) {
    ips_[ip_count_] = address;
    ip_pending_[ip_count_] = {&field, values_++};
    if (++ip_count_ == kBatch) check_ips();
  }
  void add_exact(const std::string& field, std::string_view text, IndicatorType type) {
    if (normalize_key(text, type, keys_[exact_count_])) add_key(field);
  }
  // Adds keys_[exact_count_], just normalized.
  void add_key(const std::string& field) {
    fingerprints_[exact_count_] = view_.request(keys_[exact_count_]);
    exact_pending_[exact_count_] = {&field, values_++};
    if (++exact_count_ == kBatch) check_exact();
  }
  void check_exact() {
    if (exact_count_ == 0) return;
    Verdict verdicts[kBatch];
    view_.check(std::span<const LookupKey>(keys_.data(), exact_count_),
                std::span<const uint64_t>(fingerprints_.data(), exact_count_), now_, verdicts);
    for (size_t i = 0; i < exact_count_; ++i) {
      if (verdicts[i]) add_found(exact_pending_[i], view_.lookup(keys_[i], now_));
    }
    exact_count_ = 0;
  }
  void check_ips() {
    if (ip_count_ == 0) return;
    Verdict verdicts[kBatch];
    view_.check_ip(std::span<const IpPrefix>(ips_.data(), ip_count_), now_, verdicts);
    for (size_t i = 0; i < ip_count_; ++i) {
      if (verdicts[i]) add_found(ip_pending_[i], view_.lookup_ip(ips_[i], now_));
    }
    ip_count_ = 0;
  }
  void add_found(const Pending& p, std::optional<LookupResult> r) {
    if (r) found_.push_back({p.field, p.order, std::move(*r)});
  }

  const IndicatorStore::View& view_;
  Timestamp now_;
  size_t values_ = 0;  // read so far: the next value's order
  std::array<LookupKey, kBatch> keys_;
  std::array<uint64_t, kBatch> fingerprints_;
  std::array<Pending, kBatch> exact_pending_;
  size_t exact_count_ = 0;
  std::array<IpPrefix, kBatch> ips_;
  std::array<Pending, kBatch> ip_pending_;
  size_t ip_count_ = 0;
  std::vector<Found> found_;
};

// The event's source address and host, not its user: the alert path folds
// repeats by rule and entity, and an attacker already flagged (a feed's or
// vigil's own indicator) who tries forty user names is one known-bad source,
// not forty alerts (a replay of the OpenSSH sample raised 104 alerts for 11
// internal indicators that way). Empty: the alert path takes the event's.
AlertEntity alert_entity(const Value& doc) {
  static const FieldPath kSourceIp(canonical::kSourceIp), kHost(canonical::kHost);
  AlertEntity e;
  for (auto [path, out] : {std::pair{&kSourceIp, &e.source_ip}, std::pair{&kHost, &e.host}}) {
    const Value* v = path->find(doc);
    if (v != nullptr && v->is_string()) *out = v->as_string();
  }
  return e;
}

Alert make_alert(const std::vector<FieldMatch>& matches, const Event& event, const Value& found) {
  Alert a;
  a.rule = std::string(kIntelRuleName);
  a.title = "Threat intelligence match";
  a.severity = Severity::kHigh;
  a.time = event.time;
  std::vector<std::string> sources, tags{"threat_intel"}, what;
  int confidence = 0;
  for (const auto& m : matches) {
    a.severity = std::max(a.severity, m.result.severity);
    confidence = std::max(confidence, m.result.confidence);
    sources.insert(sources.end(), m.result.sources.begin(), m.result.sources.end());
    tags.insert(tags.end(), m.result.tags.begin(), m.result.tags.end());
    what.push_back(fmt::format("{} in {}", to_string(m.result.type), m.field));
    for (const auto& ind : m.result.matches) {
      if (ind.reference.starts_with("http") && std::find(a.references.begin(), a.references.end(),
                                                         ind.reference) == a.references.end()) {
        a.references.push_back(ind.reference);
      }
    }
  }
  for (auto* v : {&sources, &tags}) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
  }
  a.confidence = confidence / 100.0;
  a.tags = tags;
  a.description =
      fmt::format("known-bad {} listed by {}", fmt::join(what, ", "), fmt::join(sources, ", "));
  a.events.push_back(event.doc);
  a.entity = alert_entity(event.doc);
  Object ctx;
  ctx.emplace_back("sources", string_array(sources));
  ctx.emplace_back("confidence", confidence);
  ctx.emplace_back("indicators", found);
  a.context = Value(std::move(ctx));
  return a;
}

}  // namespace

Value lookup_to_value(const LookupResult& r) {
  Object o;
  o.emplace_back("value", r.value);
  o.emplace_back("type", std::string(to_string(r.type)));
  o.emplace_back("severity", std::string(to_string(r.severity)));
  o.emplace_back("confidence", r.confidence);
  o.emplace_back("sources", string_array(r.sources));
  o.emplace_back("tags", string_array(r.tags));
  o.emplace_back("first_seen", format_rfc3339(r.first_seen));
  o.emplace_back("last_seen", format_rfc3339(r.last_seen));
  return Value(std::move(o));
}

IntelMatcher::IntelMatcher(std::shared_ptr<const IndicatorStore> store, MatchFields fields,
                           metrics::Counter* matches)
    : store_(std::move(store)),
      ip_(compile(fields.ip)),
      domain_(compile(fields.domain)),
      url_(compile(fields.url)),
      hash_(compile(fields.hash)),
      email_(compile(fields.email)),
      matches_(matches) {}

IntelMatcher::KindFields IntelMatcher::compile(const std::vector<FieldPath>& fields) {
  KindFields out;
  for (const FieldPath& f : fields) {
    out.ids.push_back(paths_.add(f.str()));
    out.names.push_back(f.str());
  }
  return out;
}

std::vector<FieldMatch> IntelMatcher::match(const Value& doc, Timestamp now) const {
  return match(store_->view(), doc, now);
}

std::vector<FieldMatch> IntelMatcher::match(IndicatorStore::View view, const Value& doc,
                                            Timestamp now) const {
  thread_local std::vector<const Value*> values;
  paths_.resolve(doc, values);
  MatchCollector c(view, now);
  const auto check = [&](const KindFields& kind, auto method) {
    for (size_t i = 0; i < kind.ids.size(); ++i) {
      for_each_string(values[kind.ids[i]],
                      [&](std::string_view v) { (c.*method)(kind.names[i], v); });
    }
  };
  check(ip_, &MatchCollector::ip);
  check(domain_, &MatchCollector::domain);
  check(url_, &MatchCollector::url);
  check(hash_, &MatchCollector::hash);
  check(email_, &MatchCollector::email);
  return c.take();
}

void IntelMatcher::on_event(Event& event, AlertSink& alerts) {
  // One snapshot for all of the event's fields.
  auto view = store_->view();
  if (view.size() == 0) return;
  // Expiry is judged at processing time: an indicator that expired before a
  // replayed event is processed does not match it.
  const auto matches = match(std::move(view), event.doc, Timestamp::now());
  if (matches.empty()) return;
  if (matches_) matches_->inc(matches.size());
  Array found;
  for (const auto& m : matches) {
    Value v = lookup_to_value(m.result);
    v.as_object().insert(v.as_object().begin(), Member{"field", m.field});
    found.push_back(std::move(v));
  }
  event.severity = std::max(event.severity, Severity::kHigh);
  event.doc.set(kThreatIndicatorsField, Value(found));
  alerts.emit(make_alert(matches, event, Value(std::move(found))));
}

}  // namespace vigil::intel
