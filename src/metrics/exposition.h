// Prometheus text exposition format 0.0.4: the escaping and number rules,
// kept in one place so every metric family renders the same way.
// https://prometheus.io/docs/instrumenting/exposition_formats/
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <span>
#include <string_view>

namespace vigil::metrics {

inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

struct Label {
  std::string_view name;
  std::string_view value;
};

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool valid_metric_name(std::string_view name);
// [a-zA-Z_][a-zA-Z0-9_]*, not starting with the reserved "__"
bool valid_label_name(std::string_view name);

// Label values escape \, " and newline. Invalid UTF-8 (a parser that let it
// through, a binary rule name) becomes U+FFFD so one bad value cannot make
// the whole scrape unparseable.
void append_label_value(fmt::memory_buffer& out, std::string_view value);
// HELP text escapes \ and newline only.
void append_help_text(fmt::memory_buffer& out, std::string_view help);
// Floats as Prometheus reads them: shortest round-trip form, +Inf/-Inf/NaN.
void append_float(fmt::memory_buffer& out, double v);

// "# HELP name help\n# TYPE name type\n"
void append_header(fmt::memory_buffer& out, std::string_view name, std::string_view help,
                   std::string_view type);

// name{l1="v1",...} value\n   (no braces when there are no labels)
void append_sample(fmt::memory_buffer& out, std::string_view name, std::span<const Label> labels,
                   uint64_t value);
void append_sample(fmt::memory_buffer& out, std::string_view name, std::span<const Label> labels,
                   int64_t value);
void append_sample(fmt::memory_buffer& out, std::string_view name, std::span<const Label> labels,
                   double value);

}  // namespace vigil::metrics
