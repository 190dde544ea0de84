// Lines collected into one work item for the pipeline, with the source's
// decoder. Messages cannot carry a raw newline inside a batch: it is written
// as #012 (and CR as #015), the way rsyslog escapes control characters.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "pipeline/pipeline.h"

namespace vigil {

class LineBatch {
 public:
  LineBatch(std::string decoder, size_t max_lines)
      : decoder_(std::move(decoder)), max_lines_(max_lines) {}

  void add(std::string_view line);
  size_t lines() const { return lines_; }
  bool full() const { return lines_ >= max_lines_; }
  bool empty() const { return lines_ == 0; }
  std::chrono::steady_clock::time_point started() const { return started_; }
  // Moves the lines into a work item and starts a new batch.
  WorkItem take(size_t first_line = 1);

 private:
  std::string decoder_;
  size_t max_lines_;
  std::string body_;
  size_t last_bytes_ = 0;  // the size of the last batch taken
  size_t lines_ = 0;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace vigil
