#include "sources/line_batch.h"

namespace vigil {

void LineBatch::add(std::string_view line) {
  if (lines_ == 0) started_ = std::chrono::steady_clock::now();
  for (char c : line) {
    if (c == '\n') {
      body_.append("#012");
    } else if (c == '\r') {
      body_.append("#015");
    } else {
      body_.push_back(c);
    }
  }
  body_.push_back('\n');
  ++lines_;
}

WorkItem LineBatch::take(size_t first_line) {
  WorkItem item;
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
