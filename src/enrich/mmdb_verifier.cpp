#include "enrich/mmdb_verifier.h"

#include <fmt/core.h>

#include <algorithm>
#include <bit>
#include <vector>

#include "enrich/mmdb_decoder.h"

namespace vigil::mmdb {
namespace {

using Fail = tl::unexpected<std::string>;

constexpr std::string_view kMarker("\xab\xcd\xefMaxMind.com", 14);
constexpr size_t kMaxMetadataBytes = 128 * 1024;  // the spec's bound, marker included
constexpr size_t kSeparatorBytes = 16;
constexpr uint32_t kMaxBits = 128;
// 9999-12-31T23:59:59Z: later epochs overflow date conversions (the
// bad-data uint64-max-epoch file) and are no real build date.
constexpr uint64_t kLastEpoch = 253402300799;

tl::expected<uint64_t, std::string> get_uint(const Value& meta, std::string_view key) {
  const Value* v = meta.find(key);
  if (v == nullptr) return Fail(fmt::format("metadata has no '{}'", key));
  if (v->kind() != Value::Kind::kUint) {
    return Fail(fmt::format("metadata '{}' is not an unsigned integer", key));
  }
  return v->as_uint();
}

tl::expected<DatabaseInfo, std::string> read_metadata(std::string_view section) {
  if (section.empty()) return Fail("metadata section is empty (file truncated?)");
  auto decoded = Decoder(section).decode(0);
  if (!decoded) return Fail("metadata: " + decoded.error());
  const Value& meta = *decoded;
  if (!meta.is_object()) return Fail("metadata is not a map");

  DatabaseInfo info;
  auto major = get_uint(meta, "binary_format_major_version");
  if (!major) return Fail(major.error());
  if (*major != 2) return Fail(fmt::format("binary format version {} (vigil reads 2.x)", *major));
  if (auto minor = get_uint(meta, "binary_format_minor_version"); !minor)
    return Fail(minor.error());
  auto nodes = get_uint(meta, "node_count");
  if (!nodes) return Fail(nodes.error());
  if (*nodes == 0 || *nodes > UINT32_MAX) return Fail(fmt::format("node_count {}", *nodes));
  info.node_count = static_cast<uint32_t>(*nodes);
  auto record_size = get_uint(meta, "record_size");
  if (!record_size) return Fail(record_size.error());
  if (*record_size != 24 && *record_size != 28 && *record_size != 32) {
    return Fail(fmt::format("record_size {} (must be 24, 28 or 32)", *record_size));
  }
  info.record_size = static_cast<uint16_t>(*record_size);
  auto ip_version = get_uint(meta, "ip_version");
  if (!ip_version) return Fail(ip_version.error());
  if (*ip_version != 4 && *ip_version != 6) return Fail(fmt::format("ip_version {}", *ip_version));
  info.ip_version = static_cast<uint16_t>(*ip_version);
  auto epoch = get_uint(meta, "build_epoch");
  if (!epoch) return Fail(epoch.error());
  info.build_epoch = *epoch;

  const Value* type = meta.find("database_type");
  if (type == nullptr || !type->is_string() || type->as_string().empty()) {
    return Fail("metadata 'database_type' is missing or not a non-empty string");
  }
  info.database_type = type->as_string();
  if (const Value* langs = meta.find("languages"); langs != nullptr) {
    const bool ok =
        langs->is_array() && std::all_of(langs->as_array().begin(), langs->as_array().end(),
                                         [](const Value& l) { return l.is_string(); });
    if (!ok) return Fail("metadata 'languages' is not an array of strings");
  }
  if (const Value* desc = meta.find("description"); desc != nullptr) {
    if (!desc->is_object()) return Fail("metadata 'description' is not a map");
    for (const auto& [lang, text] : desc->as_object()) {
      if (!text.is_string())
        return Fail(fmt::format("metadata description '{}' is not a string", lang));
    }
    info.described = !desc->as_object().empty();
  }
  return info;
}

// Depth-first walk of the search tree; heights are memoised per node, so
// shared subtrees (the IPv4 space aliased from ::ffff:0:0/96) are walked once.
class TreeWalk {
 public:
  TreeWalk(std::string_view tree, const DatabaseInfo& info, uint64_t data_size)
      : tree_(tree),
        info_(info),
        data_size_(data_size),
        state_(info.node_count, 0),
        records_((data_size + 63) / 64, 0) {}

  tl::expected<void, std::string> run() {
    const uint32_t start = info_.ip_version == 4 ? kMaxBits - 32 : 0;
    auto height = visit(0, start);
    if (!height) return Fail(height.error());
    if (start + *height > kMaxBits) return Fail("search tree paths are longer than the address");
    // Writers number exactly the nodes they emit from the root; nodes no
    // lookup reaches mean node_count or the tree is corrupt.
    const auto reached = static_cast<uint64_t>(
        std::count_if(state_.begin(), state_.end(), [](uint8_t s) { return s != 0; }));
    if (reached != info_.node_count) {
      return Fail(fmt::format("{} of the {} search tree nodes are unreachable from the root",
                              info_.node_count - reached, info_.node_count));
    }
    return {};
  }
  // Calls fn(offset) for each distinct data offset the tree points at, in
  // order; stops at (and returns) the first error.
  template <typename Fn>
  tl::expected<size_t, std::string> for_each_record(Fn fn) const {
    size_t count = 0;
    for (size_t word = 0; word < records_.size(); ++word) {
      for (uint64_t bits = records_[word]; bits != 0; bits &= bits - 1) {
        const auto offset = static_cast<uint32_t>(word * 64 + std::countr_zero(bits));
        if (auto ok = fn(offset); !ok) return Fail(ok.error());
        ++count;
      }
    }
    return count;
  }

 private:
  static constexpr uint8_t kVisiting = 255;  // else 0 = unvisited, h + 1 = height h

  tl::expected<uint32_t, std::string> visit(uint32_t node, uint32_t bit) {
    if (bit >= kMaxBits)
      return Fail(fmt::format("search tree node {} is deeper than 128 bits", node));
    if (state_[node] == kVisiting) return Fail(fmt::format("search tree cycle at node {}", node));
    if (state_[node] != 0) return state_[node] - 1u;
    state_[node] = kVisiting;
    uint32_t height = 0;
    for (int side = 0; side < 2; ++side) {
      auto h = follow(node, side, record(node, side), bit + 1);
      if (!h) return h;
      height = std::max(height, *h);
    }
    state_[node] = static_cast<uint8_t>(height + 2);
    return height + 1;
  }

  tl::expected<uint32_t, std::string> follow(uint32_t node, int side, uint64_t value,
                                             uint32_t bit) {
    const uint64_t nodes = info_.node_count;
    if (value < nodes) return visit(static_cast<uint32_t>(value), bit);
    if (value == nodes) return 0;  // no data for this network
    const char* which = side == 0 ? "left" : "right";
    if (value - nodes < kSeparatorBytes) {
      return Fail(fmt::format("search tree node {} {} record {} points into the separator", node,
                              which, value));
    }
    const uint64_t offset = value - nodes - kSeparatorBytes;
    if (offset >= data_size_) {
      return Fail(
          fmt::format("search tree node {} {} record points to data offset {}, past the "
                      "{}-byte data section",
                      node, which, offset, data_size_));
    }
    records_[offset / 64] |= uint64_t{1} << (offset % 64);
    return 0;
  }

  uint64_t record(uint32_t node, int side) const {
    const size_t bytes = info_.record_size / 4;
    const auto* p = reinterpret_cast<const uint8_t*>(tree_.data()) + size_t{node} * bytes;
    auto be = [](const uint8_t* q, int n) {
      uint64_t v = 0;
      for (int i = 0; i < n; ++i) v = (v << 8) | q[i];
      return v;
    };
    switch (info_.record_size) {
      case 24:
        return be(p + 3 * side, 3);
      case 28:  // the middle byte holds the top four bits of both records
        return side == 0 ? (uint64_t{p[3] & 0xF0u} << 20) | be(p, 3)
                         : (uint64_t{p[3] & 0x0Fu} << 24) | be(p + 4, 3);
      default:
        return be(p + 4 * side, 4);
    }
  }

  std::string_view tree_;
  const DatabaseInfo& info_;
  uint64_t data_size_;
  std::vector<uint8_t> state_;
  // One bit per data-section byte: the tree's leaves, deduplicated and
  // ordered, in data_size / 8 bytes however many leaves there are.
  std::vector<uint64_t> records_;
};

}  // namespace

tl::expected<DatabaseInfo, std::string> verify_database(std::string_view bytes) {
  const size_t window = std::min(bytes.size(), kMaxMetadataBytes);
  const size_t in_window = bytes.substr(bytes.size() - window).rfind(kMarker);
  if (in_window == std::string_view::npos) {
    return Fail(
        "no MaxMind DB metadata marker in the last 128 KiB (not an .mmdb file, or truncated)");
  }
  const size_t marker = bytes.size() - window + in_window;
  auto info = read_metadata(bytes.substr(marker + kMarker.size()));
  if (!info) return info;

  const uint64_t tree_size = uint64_t{info->node_count} * (info->record_size / 4);
  if (tree_size + kSeparatorBytes > marker) {
    return Fail(
        fmt::format("the search tree ({} nodes, {} bytes) does not fit before the metadata "
                    "at byte {} (wrong node_count, or truncated file)",
                    info->node_count, tree_size, marker));
  }
  const std::string_view separator = bytes.substr(tree_size, kSeparatorBytes);
  if (separator.find_first_not_of('\0') != std::string_view::npos) {
    return Fail(
        fmt::format("no 16-byte zero separator after the search tree at byte {} (wrong "
                    "node_count?)",
                    tree_size));
  }
  const std::string_view data =
      bytes.substr(tree_size + kSeparatorBytes, marker - tree_size - kSeparatorBytes);
  if (data.size() > UINT32_MAX) return Fail("data section larger than 4 GiB");

  TreeWalk walk(bytes.substr(0, tree_size), *info, data.size());
  if (auto ok = walk.run(); !ok) return Fail(ok.error());
  Decoder decoder(data);
  auto records = walk.for_each_record([&](uint32_t offset) -> tl::expected<void, std::string> {
    if (auto ok = decoder.verify(offset); !ok) {
      return Fail(fmt::format("data record at offset {}: {}", offset, ok.error()));
    }
    return {};
  });
  if (!records) return Fail(records.error());
  info->data_records = *records;
  // Checks of plausibility rather than structure come last, so a file that is
  // also structurally broken is reported for that.
  if (info->build_epoch > kLastEpoch) {
    return Fail(
        fmt::format("build_epoch {} is not a plausible date (after year 9999)", info->build_epoch));
  }
  // Optional in the spec, but MaxMind's verifier requires one and every real
  // database has one; the libmaxminddb bad-data files all lack it.
  if (!info->described) {
    return Fail("metadata 'description' is missing or empty (MaxMind's verifier requires one)");
  }
  return info;
}

}  // namespace vigil::mmdb
