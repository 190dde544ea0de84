// One event's way through the pipeline, in two halves run on different
// threads: an EventPreparer (any worker) decodes a chunk and normalizes and
// enriches its events; an EventFinisher (the event's detect lane, chosen by
// entity) runs the detectors, sanitizes and serializes. Detection reads raw
// values; only the sanitized document comes out.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "ingest/decoders/decoder.h"
#include "ingest/event_decoder.h"
#include "metrics/processed_events_batch.h"
#include "pipeline/batch_ticket.h"
#include "pipeline/entity_router.h"
#include "pipeline/stages.h"
#include "store/event_store.h"

namespace vigil {

struct WorkItem {
  std::string body;
  BodyFormat format = BodyFormat::kNdjson;
  // A decoder by name (ingest/decoders): "syslog", "sshd", "access", ...
  // Empty: vigil's JSON, read as `format` says.
  std::string decoder;
  size_t first_line = 1;
  // The body's newlines when whoever made the item counted them already (a
  // replay numbers its lines); 0: not counted. Only an estimate of the events.
  size_t newlines = 0;
  Timestamp received;
};

class EventPreparer {
 public:
  EventPreparer(const DecoderCatalog& catalog, const Stages& stages);

  // Receives prepared events a slice at a time; may take them (move from them).
  using SliceSink = std::function<void(std::vector<Event>& slice)>;

  // Decodes `item` (filling `outcome`'s read/accepted/rejected/errors) and
  // appends its normalized, enriched events to `events`.
  void prepare(const WorkItem& item, BatchOutcome& outcome, std::vector<Event>& events);
  // The same, handing the events to `take` a slice of the item at a time: an
  // NDJSON item in slices of about kSliceBytes, anything else whole.
  void prepare(const WorkItem& item, BatchOutcome& outcome, const SliceSink& take);

  // ~8 events: their trees (~25 KB) stay in the core's first-level cache
  // between decoding and whatever `take` does with them, and freeing them
  // right after gives the allocator's thread cache back what the next slice
  // allocates. (16 KiB, ~30 events, held ~100 KB: simulated with a 32 KiB
  // first level, 4 KiB slices missed it 8 % less often and a 512 KiB second
  // level 27 % less; docs/benchmarks.md, session 18.)
  static constexpr size_t kSliceBytes = 4 << 10;

 private:
  // Returns the lines of `body` an NDJSON decoding read (0 for other decoders).
  size_t prepare_slice(const WorkItem& item, std::string_view body, size_t first_line,
                       BatchOutcome& outcome, const SliceSink& take);
  void count_rejections(const DecodeResult& decoded);
  // `body` is a slice of item.body.
  void decode(const WorkItem& item, std::string_view body, size_t first_line, DecodeResult& out);

  const DecoderCatalog& catalog_;
  const Stages& stages_;
  EventDecoder decoder_;
  std::map<std::string, std::unique_ptr<Decoder>, std::less<>> decoders_;  // made on first use
  DecodeResult slice_;
};

class EventFinisher {
 public:
  // Detectors raise alerts into `alerts` (the lane's sink).
  EventFinisher(const Stages& stages, AlertSink& alerts);

  // Detects, then sanitizes: from here on the event holds only what may leave.
  // `stored` (when a store takes the event) receives it as the store keeps
  // it, the document serialized; nothing else reads the serialized form.
  void finish(Event& event, StoredEvent* stored);
  // Passes Detector::prefetch on: call it a few events before finishing the
  // event whose entity this is.
  void prefetch(const EntityKey& entity) const;
  // Publishes the per-event metrics staged since the last call: once per
  // slice or lane batch.
  void flush_metrics();

 private:
  StoredEvent to_stored(const Event& event);
  void write_document(const Event& event);

  std::string_view event_type_text(const Event& event);

  const Stages& stages_;
  AlertSink& alerts_;
  std::optional<metrics::ProcessedEventsBatch> processed_;  // with metrics only
  std::string event_type_number_;                           // a numeric event type, as text
  FieldPath event_type_{canonical::kEventType};
  FieldPath user_{canonical::kUser};
  FieldPath source_ip_{canonical::kSourceIp};
  fmt::memory_buffer json_;
};

}  // namespace vigil
