#include "pipeline/batch_ticket.h"

namespace vigil {

void BatchTicket::complete(BatchOutcome outcome) {
  {
    std::lock_guard lock(mutex_);
    outcome_ = std::move(outcome);
    done_ = true;
  }
  cv_.notify_all();
}

bool BatchTicket::done() const {
  std::lock_guard lock(mutex_);
  return done_;
}

const BatchOutcome& BatchTicket::wait() {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [&] { return done_; });
  return outcome_;
}

}  // namespace vigil
