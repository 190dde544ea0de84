#include "intel/indicator_index.h"

#include <algorithm>

namespace vigil::intel {
namespace {

bool is_ip_type(IndicatorType t) {
  return t == IndicatorType::kIpv4 || t == IndicatorType::kIpv6 || t == IndicatorType::kCidr;
}

}  // namespace

std::string IndicatorIndex::exact_key(IndicatorType type, std::string_view value) {
  std::string key;
  key.reserve(value.size() + 1);
  key += static_cast<char>('a' + static_cast<int>(type));
  key += value;
  return key;
}

const IndicatorIndex::Span* IndicatorIndex::find_exact(IndicatorType type,
                                                       std::string_view value) const {
  char buf[256];
  if (value.size() + 1 > sizeof buf) {
    const auto it = exact_.find(exact_key(type, value));
    return it == exact_.end() ? nullptr : &it->second;
  }
  // The common case builds the key on the stack: lookups allocate nothing.
  buf[0] = static_cast<char>('a' + static_cast<int>(type));
  std::copy(value.begin(), value.end(), buf + 1);
  const auto it = exact_.find(std::string_view(buf, value.size() + 1));
  return it == exact_.end() ? nullptr : &it->second;
}

IndicatorIndex::IndicatorIndex(SourceMap sources) : sources_(std::move(sources)) {
  std::vector<PrefixTable::Entry> prefixes;
  std::vector<std::pair<std::string, const Indicator*>> exact;
  for (const auto& [name, feed] : sources_) {
    for (const Indicator& ind : feed->indicators) {
      if (is_ip_type(ind.type)) {
        if (auto p = IpPrefix::parse(ind.value)) prefixes.emplace_back(*p, &ind);
      } else {
        exact.emplace_back(exact_key(ind.type, ind.value), &ind);
      }
    }
  }
  size_ = prefixes.size() + exact.size();
  prefixes_ = PrefixTable(std::move(prefixes));
  std::sort(exact.begin(), exact.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  exact_.reserve(exact.size());
  exact_refs_.reserve(exact.size());
  for (size_t begin = 0, i = 1; i <= exact.size(); ++i) {
    if (i < exact.size() && exact[i].first == exact[begin].first) continue;
    exact_.emplace(std::move(exact[begin].first), Span{static_cast<uint32_t>(exact_refs_.size()),
                                                       static_cast<uint32_t>(i - begin)});
    for (size_t j = begin; j < i; ++j) exact_refs_.push_back(exact[j].second);
    begin = i;
  }
}

}  // namespace vigil::intel
