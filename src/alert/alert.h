// What a detection produces, and where detections send it. Every detector
// (Sigma rules, correlation, behaviour, Isolation Forest, intel) emits through
// one AlertSink, so dedupe, sanitization, storage and outputs are decided in
// one place (AlertRouter).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/severity.h"
#include "core/timestamp.h"
#include "core/value.h"

namespace vigil {

// Who or what an alert is about. Detectors may fill it; otherwise the router
// takes it from the triggering event's canonical fields.
struct AlertEntity {
  std::string user;
  std::string source_ip;
  std::string host;
  std::string session;

  bool empty() const {
    return user.empty() && source_ip.empty() && host.empty() && session.empty();
  }
};

// What kind of detector raised an alert. Rules (Sigma, correlation, the
// built-in pack, intel) state that something bad happened; anomaly detectors
// say an entity behaved unusually, which is not proof that its address is
// hostile (internal intelligence tells them apart).
enum class DetectorKind : uint8_t { kRule, kBehavior, kMl };

struct Alert {
  std::string rule;     // rule name (Sigma `name`, else title), or the anomaly type
  std::string rule_id;  // stable id (Sigma `id`), may be empty
  std::string title;    // human-readable title; the rule name when empty
  Severity severity = Severity::kMedium;
  double confidence = 1.0;  // 0..1
  std::string description;
  Timestamp time;                       // event time of the event that triggered it
  std::vector<std::string> tags;        // ATT&CK and other tags
  std::vector<std::string> references;  // links the rule cites
  std::string author;                   // kept on every alert (DRL 1.1 attribution)
  AlertEntity entity;
  std::vector<Value> events;  // raw triggering event documents; sanitized on output
  Value context;              // raw detector-specific details; sanitized on output
  DetectorKind detector = DetectorKind::kRule;
  // Set by AlertSink::prepare (the router's sanitized body, after which events
  // and context are dropped); empty until then.
  std::string prepared_body;
};

class AlertSink {
 public:
  virtual ~AlertSink() = default;
  // Called from worker threads; implementations must be thread-safe and must
  // not block on slow destinations.
  virtual void emit(Alert alert) = 0;
  // The part of emit() that needs no order, done ahead on the caller's thread
  // (thread-safe) so that what runs in submission order stays short. emit()
  // gives the same result whether or not it ran.
  virtual void prepare(Alert& /*alert*/) const {}

  // Runs `work` once every event submitted before the current one has been
  // through the detectors. For state shared across entities (correlation
  // windows grouped by a source IP while lanes split events by user): the
  // pipeline's detect lanes run concurrently, so such state would otherwise
  // see events out of order. `work` must own what it reads (the event is
  // sanitized before it runs). By default it runs now, which is right
  // wherever events are detected one at a time in order (rules test, tests).
  virtual void in_submission_order(std::function<void(AlertSink&)> work) { work(*this); }
};

}  // namespace vigil
