// What the submitter of a batch waits on: the batch's outcome, complete once
// its events are durably stored (or processed, when running without a store).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <vector>

#include "core/error.h"
#include "ingest/event_decoder.h"

namespace vigil {

struct BatchOutcome {
  size_t read = 0;
  size_t accepted = 0;  // decoded and processed; durable only if `failure` is empty
  size_t rejected = 0;
  size_t flagged = 0;  // accepted with a parse-error flag (event.original kept)
  size_t stored = 0;
  std::vector<LineError> errors;  // the first kMaxReportedErrors, by line
  std::optional<Error> failure;   // the store refused the batch: nothing in it is acknowledged
};

inline constexpr size_t kMaxReportedErrors = 1000;

class BatchTicket {
 public:
  void complete(BatchOutcome outcome);
  bool done() const;
  // Blocks until complete(); returns the outcome.
  const BatchOutcome& wait();

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;
  BatchOutcome outcome_;
};

}  // namespace vigil
