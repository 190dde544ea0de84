#include "ingest/decoders/declared_decoder.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <cstdlib>
#include <map>

#include "config/declared_pattern.h"
#include "core/strings.h"
#include "ingest/decoders/auditd.h"
#include "ingest/decoders/record.h"
#include "ingest/decoders/syslog_header.h"
#include "ingest/decoders/text_cursor.h"
#include "ingest/decoders/web_log.h"

namespace vigil::decode {
namespace {

bool numeric_field(std::string_view field) {
  auto ends = [&](std::string_view suffix) {
    return field.size() >= suffix.size() && field.substr(field.size() - suffix.size()) == suffix;
  };
  return ends(".port") || ends("status_code") || ends(".bytes") || ends(".pid");
}

// Shared by the three kinds: name mapping, typed values, time, constants.
// The fields go into a DocBuilder (one per decoder, so per thread); values
// are views of the line, which lives until finish() builds the document.
class FieldSink {
 public:
  explicit FieldSink(const DeclaredDecoderConfig& c)
      : config_(c), fields_(c.fields.begin(), c.fields.end()) {}

  void add(std::string_view name, std::string_view value, Timestamp received,
           std::optional<Timestamp>& time) {
    if (!config_.timestamp.empty() && name == config_.timestamp) {
      time = parse_any_time(trim(value), received);
    }
    const auto mapped = fields_.find(name);
    const std::string_view field =
        mapped == fields_.end() ? name : std::string_view(mapped->second);
    if (numeric_field(field)) {
      if (auto n = to_int(value)) {
        doc_.put(field, *n);
        return;
      }
    }
    doc_.put(field, value);
  }
  void add_original(std::string_view line) { doc_.put("event.original", line); }

  void finish(std::optional<Timestamp> time, Timestamp received, DecodeResult& out) {
    for (const auto& [field, value] : config_.set) doc_.put(field, std::string_view(value));
    doc_.put("event.module", std::string_view(config_.name));
    ++out.read;
    emit_built(doc_, time, received, out);
  }

  const DeclaredDecoderConfig& config() const { return config_; }

 private:
  const DeclaredDecoderConfig config_;
  // config_.fields, searched by a view of the name (no string made per field)
  const std::map<std::string, std::string, std::less<>> fields_;
  DocBuilder doc_;
};

class RegexDecoder final : public Decoder {
 public:
  RegexDecoder(const DeclaredDecoderConfig& c, std::shared_ptr<const RE2> re)
      : sink_(c), re_(std::move(re)), groups_(re_->NumberOfCapturingGroups() + 1) {
    for (const auto& [index, name] : re_->CapturingGroupNames()) names_.emplace_back(index, name);
  }

  void decode(std::string_view chunk, size_t first_line, Timestamp received,
              DecodeResult& out) override {
    for_each_line(chunk, first_line, [&](std::string_view line, size_t) {
      if (!re_->Match(line, 0, line.size(), RE2::UNANCHORED, groups_.data(),
                      static_cast<int>(groups_.size()))) {
        keep_unparsed(line,
                      fmt::format("no match for the pattern of decoder '{}'", sink_.config().name),
                      received, out);
        return;
      }
      std::optional<Timestamp> time;
      for (const auto& [index, name] : names_) {
        const auto& g = groups_[static_cast<size_t>(index)];
        if (g.data() != nullptr)
          sink_.add(name, std::string_view(g.data(), g.size()), received, time);
      }
      sink_.add_original(line);
      sink_.finish(time, received, out);
    });
  }

 private:
  FieldSink sink_;
  std::shared_ptr<const RE2> re_;
  std::vector<re2::StringPiece> groups_;
  std::vector<std::pair<int, std::string>> names_;
};

class KvDecoder final : public Decoder {
 public:
  explicit KvDecoder(const DeclaredDecoderConfig& c) : sink_(c) {}

  void decode(std::string_view chunk, size_t first_line, Timestamp received,
              DecodeResult& out) override {
    const auto& c = sink_.config();
    for_each_line(chunk, first_line, [&](std::string_view line, size_t) {
      std::optional<Timestamp> time;
      size_t pairs = 0;
      for_each_pair(line, c.pair_separator, c.kv_separator,
                    [&](std::string_view k, std::string_view v) {
                      sink_.add(trim(k), v, received, time);
                      ++pairs;
                    });
      if (pairs == 0) {
        keep_unparsed(line,
                      fmt::format("no key{}value pair for decoder '{}'", c.kv_separator, c.name),
                      received, out);
        return;
      }
      sink_.finish(time, received, out);
    });
  }

 private:
  FieldSink sink_;
};

// RFC 4180 fields: quotes around a field, "" inside quotes for one quote.
bool split_csv(std::string_view line, char delim, std::vector<std::string>& fields) {
  fields.clear();
  std::string cur;
  bool quoted = false, was_quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char ch = line[i];
    if (quoted) {
      if (ch == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur.push_back('"');
        ++i;
      } else if (ch == '"') {
        quoted = false;
      } else {
        cur.push_back(ch);
      }
    } else if (ch == '"' && cur.empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else if (ch == delim) {
      fields.push_back(std::move(cur));
      cur.clear();
      was_quoted = false;
    } else {
      cur.push_back(ch);
    }
  }
  if (quoted) return false;  // an unclosed quote: the record is cut
  fields.push_back(std::move(cur));
  return true;
}

class CsvDecoder final : public Decoder {
 public:
  explicit CsvDecoder(const DeclaredDecoderConfig& c) : sink_(c) {}

  void decode(std::string_view chunk, size_t first_line, Timestamp received,
              DecodeResult& out) override {
    const auto& c = sink_.config();
    for_each_line(chunk, first_line, [&](std::string_view line, size_t) {
      if (!split_csv(line, c.delimiter[0], fields_)) {
        keep_unparsed(line, "unclosed quote in a CSV record", received, out);
        return;
      }
      if (fields_ == c.columns) return;  // the header row
      if (fields_.size() != c.columns.size()) {
        keep_unparsed(line,
                      fmt::format("{} CSV fields where decoder '{}' declares {} columns",
                                  fields_.size(), c.name, c.columns.size()),
                      received, out);
        return;
      }
      std::optional<Timestamp> time;
      for (size_t i = 0; i < fields_.size(); ++i) {
        if (!fields_[i].empty()) sink_.add(c.columns[i], fields_[i], received, time);
      }
      sink_.finish(time, received, out);
    });
  }

 private:
  FieldSink sink_;
  std::vector<std::string> fields_;
};

}  // namespace

std::optional<Timestamp> parse_any_time(std::string_view s, Timestamp reference) {
  if (s.empty()) return std::nullopt;
  if (auto t = parse_iso8601(s)) return t;
  if (s.find_first_not_of("0123456789.") == std::string_view::npos) {
    const std::string text(s);
    return from_epoch_number(std::strtod(text.c_str(), nullptr));
  }
  if (s.size() >= 20 && s[2] == '/' && s[6] == '/') {
    if (auto t = parse_clf_time(s.substr(0, s.find(']')))) return t;
  }
  const YearInference years;
  const std::string fake = fmt::format("{} - x:", s);
  if (auto h = parse_syslog_header(fake, reference, years); h && h->time) return h->time;
  return std::nullopt;
}

Result<std::unique_ptr<Decoder>> make_declared_decoder(const DeclaredDecoderConfig& config) {
  if (config.type == "kv") return std::unique_ptr<Decoder>(new KvDecoder(config));
  if (config.type == "csv") return std::unique_ptr<Decoder>(new CsvDecoder(config));
  if (auto problem = declared_pattern_problem(config.pattern)) {
    return make_error(ErrorCode::kConfig,
                      fmt::format("decoder '{}': pattern {}", config.name, *problem));
  }
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_shared<const RE2>(config.pattern, options);
  return std::unique_ptr<Decoder>(new RegexDecoder(config, std::move(re)));
}

}  // namespace vigil::decode
