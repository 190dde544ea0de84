#include "metrics/exposition.h"

#include <cmath>

#include "core/strings.h"

namespace vigil::metrics {
namespace {

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

void append_escaped(fmt::memory_buffer& out, std::string_view s, bool escape_quote) {
  for (char c : s) {
    if (c == '\\') {
      out.append(std::string_view("\\\\"));
    } else if (c == '\n') {
      out.append(std::string_view("\\n"));
    } else if (c == '"' && escape_quote) {
      out.append(std::string_view("\\\""));
    } else {
      out.push_back(c);
    }
  }
}

void append_labels(fmt::memory_buffer& out, std::span<const Label> labels) {
  if (labels.empty()) return;
  out.push_back('{');
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.append(labels[i].name);
    out.append(std::string_view("=\""));
    append_label_value(out, labels[i].value);
    out.push_back('"');
  }
  out.push_back('}');
}

}  // namespace

bool valid_metric_name(std::string_view name) {
  if (name.empty() || !(is_name_start(name[0]) || name[0] == ':')) return false;
  for (char c : name) {
    if (!(is_name_start(c) || is_digit(c) || c == ':')) return false;
  }
  return true;
}

bool valid_label_name(std::string_view name) {
  if (name.empty() || !is_name_start(name[0]) || name.starts_with("__")) return false;
  for (char c : name) {
    if (!(is_name_start(c) || is_digit(c))) return false;
  }
  return true;
}

void append_label_value(fmt::memory_buffer& out, std::string_view value) {
  if (valid_utf8(value)) {
    append_escaped(out, value, true);
    return;
  }
  // Rare and cold: replace every non-ASCII byte rather than resynchronising.
  for (char c : value) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      out.append(std::string_view("\xEF\xBF\xBD"));
    } else {
      append_escaped(out, std::string_view(&c, 1), true);
    }
  }
}

void append_help_text(fmt::memory_buffer& out, std::string_view help) {
  append_escaped(out, help, false);
}

void append_float(fmt::memory_buffer& out, double v) {
  if (std::isnan(v)) {
    out.append(std::string_view("NaN"));
  } else if (std::isinf(v)) {
    out.append(v > 0 ? std::string_view("+Inf") : std::string_view("-Inf"));
  } else {
    fmt::format_to(std::back_inserter(out), "{}", v);
  }
}

void append_header(fmt::memory_buffer& out, std::string_view name, std::string_view help,
                   std::string_view type) {
  fmt::format_to(std::back_inserter(out), "# HELP {} ", name);
  append_help_text(out, help);
  fmt::format_to(std::back_inserter(out), "\n# TYPE {} {}\n", name, type);
}

void append_sample(fmt::memory_buffer& out, std::string_view name, std::span<const Label> labels,
                   uint64_t value) {
  out.append(name);
  append_labels(out, labels);
  fmt::format_to(std::back_inserter(out), " {}\n", value);
}

void append_sample(fmt::memory_buffer& out, std::string_view name, std::span<const Label> labels,
                   int64_t value) {
  out.append(name);
  append_labels(out, labels);
  fmt::format_to(std::back_inserter(out), " {}\n", value);
}

void append_sample(fmt::memory_buffer& out, std::string_view name, std::span<const Label> labels,
                   double value) {
  out.append(name);
  append_labels(out, labels);
  out.push_back(' ');
  append_float(out, value);
  out.push_back('\n');
}

}  // namespace vigil::metrics
