// One worker's view of the pipeline: decode → normalize → enrich → detect →
// sanitize, for one chunk of input. Detection reads raw values; only the
// sanitized document comes out.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "ingest/event_decoder.h"
#include "pipeline/batch_ticket.h"
#include "pipeline/stages.h"
#include "store/event_store.h"

namespace vigil {

struct WorkItem {
  std::string body;
  BodyFormat format = BodyFormat::kNdjson;
  size_t first_line = 1;
  Timestamp received;
};

class EventProcessor {
 public:
  EventProcessor(const IngestConfig& config, const Stages& stages);

  // Fills `outcome` (read/accepted/rejected/errors) and, when `stored` is not
  // null, appends the sanitized events ready for the store.
  void process(const WorkItem& item, BatchOutcome& outcome, std::vector<StoredEvent>* stored);

 private:
  void analyse(Event& event);
  // `received` is the event's receive time, already formatted: every event of
  // one work item shares it.
  StoredEvent to_stored(Event& event, std::string_view received);
  void write_document(const Event& event, std::string_view received);
  void count_rejections(const DecodeResult& decoded);

  const Stages& stages_;
  EventDecoder decoder_;
  FieldPath event_type_{canonical::kEventType};
  FieldPath user_{canonical::kUser};
  FieldPath source_ip_{canonical::kSourceIp};
  fmt::memory_buffer json_;
};

}  // namespace vigil
