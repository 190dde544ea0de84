#include "sanitize/resolve.h"

#include <algorithm>

namespace vigil::sanitize_detail {

void resolve(std::vector<Finding>& candidates, std::vector<Finding>& out) {
  std::sort(candidates.begin(), candidates.end(), [](const Finding& a, const Finding& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    if (a.end != b.end) return a.end > b.end;
    return a.pattern < b.pattern;
  });
  for (Finding c : candidates) {
    if (!out.empty() && c.begin < out.back().end) {
      Finding& kept = out.back();
      if (c.end <= kept.end) continue;
      if (c.pattern == kept.pattern) {
        kept.end = c.end;
        continue;
      }
      c.begin = kept.end;
    }
    out.push_back(c);
  }
}

}  // namespace vigil::sanitize_detail
