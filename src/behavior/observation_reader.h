// Reads an Observation out of an enriched event: the entity key (per
// behavior.entity), event time, type, resource, device (device id, else the
// user agent's browser/OS families), GeoIP fields of source.ip (else its /24
// or /48 network) and data volume.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "behavior/device_parser.h"
#include "behavior/event_fields.h"
#include "behavior/observation.h"
#include "config/config.h"
#include "core/event.h"
#include "core/field_path.h"

namespace vigil::behavior {

class ObservationReader {
 public:
  // Compiles the paths it reads (config's entity, device and user-agent
  // fields, the canonical fields) into one FieldPathSet.
  ObservationReader(const BehaviorConfig& config, std::shared_ptr<const DeviceParser> devices);

  // Adds a path to the set for a reader that reads more of the same events
  // through fields_of() (ml::FactReader); before the first read.
  FieldId add_path(std::string_view dotted) { return paths_.add(dotted); }
  // The event's values of every path in the set, in one walk.
  EventFields fields_of(const Value& doc) const { return EventFields(paths_, doc); }

  // nullopt when the event names no entity.
  std::optional<Observation> read(const Event& event) const {
    return read(event, fields_of(event.doc));
  }
  // The same through `fields` (fields_of(event.doc): readers of one event
  // share it).
  std::optional<Observation> read(const Event& event, const EventFields& fields) const;
  // The user-agent parser in use (null: devices from device ids only).
  const std::shared_ptr<const DeviceParser>& devices() const { return devices_; }

 private:
  void read_place(const EventFields& fields, Observation& o) const;
  void read_device(const EventFields& fields, Observation& o) const;

  FieldPathSet paths_;
  FieldId entity_;
  FieldId event_type_, resource_, bytes_, source_ip_;
  FieldId country_, city_, lat_, lon_, as_number_, as_org_;
  std::vector<FieldId> device_ids_, user_agents_;
  std::shared_ptr<const DeviceParser> devices_;
};

// "r:" + 16 hex digits of XXH3-64: resources are learned by hash only.
std::string hashed_value(char tag, std::string_view value);
// "203.0.113.0/24", "2001:db8:1::/48"; empty when `ip` is not an address.
std::string network_of(std::string_view ip);

}  // namespace vigil::behavior
