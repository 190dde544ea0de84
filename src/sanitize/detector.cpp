#include "sanitize/detector.h"

#include <algorithm>
#include <array>

#include "sanitize/finders.h"
#include "sanitize/resolve.h"

namespace vigil::sanitize_detail {

bool Detector::detect(std::string_view buf, ScanState& st) const {
  st.hits.clear();
  st.candidates.clear();
  st.findings.clear();
  if (buf.empty()) return true;
  if (matcher_ != nullptr) {
    if (!matcher_->scan(buf, st.hits)) return false;
    run_triggers(buf, st);
  }
  numeric_.scan(buf, st.groups, st.candidates);
  if (st.candidates.empty()) return true;
  resolve(st.candidates, st.findings);
  assign_findings(st);
  return true;
}

void Detector::run_triggers(std::string_view buf, ScanState& st) const {
  const auto start = [this](const Hit& h) { return h.end - triggers_[h.id].literal.size(); };
  std::sort(st.hits.begin(), st.hits.end(),
            [&](const Hit& a, const Hit& b) { return start(a) < start(b); });
  // Per finder, where its last span ended in the current segment: a trigger
  // inside it was already covered, and skipping it keeps adversarial input
  // ("password=password=...") linear.
  std::array<size_t, kFinderCount> covered{};
  size_t seg = 0, covered_seg = 0;
  for (const Hit& hit : st.hits) {
    const size_t begin = start(hit);
    while (seg < st.segments.size() && (st.segments[seg].size == 0 ||
                                        st.segments[seg].begin + st.segments[seg].size < hit.end)) {
      ++seg;
    }
    if (seg == st.segments.size()) break;
    Segment& s = st.segments[seg];
    if (s.begin > begin) continue;  // cannot happen: literals hold no '\0'
    if (seg != covered_seg) covered.fill(0), covered_seg = seg;
    const Trigger& t = triggers_[hit.id];
    const std::string_view text = buf.substr(s.begin, s.size);
    const size_t b = begin - s.begin, e = hit.end - s.begin;
    if (t.finder == Finder::kKeyRule && s.kind == SegmentKind::kKey) {
      if (!s.sensitive && key_rule_matches(t.mode, text, b, e)) {
        s.sensitive = true;
        ++st.sensitive_keys;
      }
      continue;
    }
    if (t.finder == Finder::kKeyRule && !t.in_text) continue;
    auto& until = covered[static_cast<size_t>(t.finder)];
    if (b < until) continue;
    const auto span = t.finder == Finder::kKeyRule ? find_key_assignment(text, b, e, t.mode)
                                                   : run_finder(t, text, b, e);
    if (!span) continue;
    until = span->end;
    st.candidates.push_back({s.begin + span->begin, s.begin + span->end, t.pattern});
  }
}

void Detector::assign_findings(ScanState& st) {
  size_t seg = 0;
  for (size_t i = 0; i < st.findings.size(); ++i) {
    const Finding& f = st.findings[i];
    while (seg < st.segments.size() &&
           (st.segments[seg].size == 0 || st.segments[seg].begin + st.segments[seg].size < f.end)) {
      ++seg;
    }
    if (seg == st.segments.size()) break;
    Segment& s = st.segments[seg];
    if (s.finding_count == 0) s.first_finding = static_cast<uint32_t>(i);
    ++s.finding_count;
  }
}

}  // namespace vigil::sanitize_detail
