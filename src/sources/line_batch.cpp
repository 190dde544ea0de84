#include "sources/line_batch.h"

#include <algorithm>

namespace vigil {

void LineBatch::add(std::string_view line) {
  if (lines_ == 0) {
    started_ = std::chrono::steady_clock::now();
    body_.reserve(last_bytes_ + last_bytes_ / 8);  // batches are alike: grow once, not by doubling
  }
  // Whole runs without CR or LF (nearly always the whole message) are copied at once.
  while (!line.empty()) {
    const size_t lf = line.find('\n'), cr = line.find('\r');
    const size_t stop = std::min(lf, cr);
    if (stop == std::string_view::npos) {
      body_.append(line);
      break;
    }
    body_.append(line.substr(0, stop)).append(stop == lf ? "#012" : "#015");
    line.remove_prefix(stop + 1);
  }
  body_.push_back('\n');
  ++lines_;
}

WorkItem LineBatch::take(size_t first_line) {
  WorkItem item;
  last_bytes_ = body_.size();
  item.body = std::move(body_);
  // vigil's own JSON goes the HTTP path's way: one object per line.
  if (decoder_ != "json") item.decoder = decoder_;
  item.format = BodyFormat::kNdjson;
  item.first_line = first_line;
  item.received = Timestamp::now();
  body_.clear();
  lines_ = 0;
  return item;
}

}  // namespace vigil
