// One worker's view of the pipeline: decode → normalize → enrich → detect →
// sanitize, for one chunk of input. Detection reads raw values; only the
// sanitized document comes out.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "ingest/decoders/decoder.h"
#include "ingest/event_decoder.h"
#include "pipeline/batch_ticket.h"
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
  Timestamp received;
};

class EventProcessor {
 public:
  EventProcessor(const DecoderCatalog& catalog, const Stages& stages);

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
  void decode(const WorkItem& item, DecodeResult& out);

  const DecoderCatalog& catalog_;
  const Stages& stages_;
  EventDecoder decoder_;
  std::map<std::string, std::unique_ptr<Decoder>, std::less<>> decoders_;  // made on first use
  FieldPath event_type_{canonical::kEventType};
  FieldPath user_{canonical::kUser};
  FieldPath source_ip_{canonical::kSourceIp};
  fmt::memory_buffer json_;
};

}  // namespace vigil
