// Proves a whole MaxMind DB image well-formed before libmaxminddb may read it.
// MMDB_open only parses the metadata; corrupt search trees and data records
// surface later, on the lookup that reaches them, or (libmaxminddb 1.7) as
// reads past the metadata. A security engine must refuse such a file at
// start-up with a clear reason instead, so this walks everything a lookup
// could ever touch, with the checks of MaxMind's own verifier
// (maxminddb-golang Reader.Verify) plus node reachability and build date.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <tl/expected.hpp>

namespace vigil::mmdb {

struct DatabaseInfo {
  std::string database_type;  // e.g. "GeoIP2-City", "GeoLite2-ASN"
  uint16_t ip_version = 0;
  uint16_t record_size = 0;
  uint32_t node_count = 0;
  uint64_t build_epoch = 0;
  size_t data_records = 0;  // distinct records the search tree points at
  bool described = false;   // the metadata has a non-empty description
};

// `bytes` is the whole file. Checks, in order:
//  1. the metadata marker within the last 128 KiB;
//  2. the metadata map and its required keys (format 2.x, record size
//     24/28/32, IP version 4/6, a non-empty database type);
//  3. the search tree fits before the metadata and is followed by the 16-byte
//     zero separator;
//  4. from the root: no cycles, no path longer than 128 bits, every record a
//     node, "empty" or an offset inside the data section, and every node
//     reachable (writers emit no others);
//  5. every data record the tree points at decodes (Decoder::verify);
//  6. plausibility: a build date before year 10000, a non-empty description.
// The error names the first problem, without the file name (the caller adds
// it).
tl::expected<DatabaseInfo, std::string> verify_database(std::string_view bytes);

}  // namespace vigil::mmdb
