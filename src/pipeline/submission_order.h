// Detector work that must see events in the order they were submitted
// (AlertSink::in_submission_order), and the lanes' alerts: collected on the
// detect lanes and run chunk by chunk, in chunk order, by whichever lane
// finishes the oldest outstanding chunk. Within a chunk, work runs in the
// events' order.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

#include "alert/alert.h"

namespace vigil {

struct OrderedWork {
  uint32_t position = 0;  // the event's place in its chunk
  std::function<void(AlertSink&)> work;
};

class SubmissionOrderRunner {
 public:
  explicit SubmissionOrderRunner(AlertSink* alerts) : alerts_(alerts) {}

  // Chunk `ordinal` has been through every lane; runs its work and that of
  // every later chunk already done, once all earlier chunks have run.
  void chunk_done(uint64_t ordinal, std::vector<OrderedWork> work);

 private:
  AlertSink* alerts_;
  std::mutex mutex_;
  std::map<uint64_t, std::vector<OrderedWork>> waiting_;
  uint64_t next_ = 0;
};

// The sink a lane hands the detectors: alerts, and work for submission
// order, are kept, tagged with the current event's position, and reach the
// alert path chunk by chunk in submission order. Alerts too: the router
// groups repeats by event time in the order alerts arrive, and the entity it
// groups by (an intel match's source address) can come from several lanes;
// passed straight on, a replay's alerts changed from run to run with two
// workers, and differed from one worker's.
class LaneAlertSink final : public AlertSink {
 public:
  // `alerts` prepares each alert here, on the lane (AlertSink::prepare):
  // only the rest of emit() runs in submission order.
  explicit LaneAlertSink(const AlertSink* alerts) : alerts_(alerts) {}

  void set_position(uint32_t position) { position_ = position; }
  void emit(Alert alert) override {
    if (alerts_ != nullptr) alerts_->prepare(alert);
    ordered_.push_back({position_, [a = std::move(alert)](AlertSink& alerts) mutable {
                          alerts.emit(std::move(a));
                        }});
  }
  void in_submission_order(std::function<void(AlertSink&)> work) override {
    ordered_.push_back({position_, std::move(work)});
  }
  std::vector<OrderedWork> take_ordered() { return std::exchange(ordered_, {}); }

 private:
  const AlertSink* alerts_;
  uint32_t position_ = 0;
  std::vector<OrderedWork> ordered_;
};

}  // namespace vigil
