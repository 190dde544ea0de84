// The built-in decoders and the factory that builds any decoder by name.
#include <fmt/format.h>

#include <algorithm>

#include "core/json_writer.h"
#include "core/strings.h"
#include "ingest/decoders/auditd.h"
#include "ingest/decoders/auth_messages.h"
#include "ingest/decoders/declared_decoder.h"
#include "ingest/decoders/decoder.h"
#include "ingest/decoders/json_formats.h"
#include "ingest/decoders/record.h"
#include "ingest/decoders/syslog_header.h"
#include "ingest/decoders/text_cursor.h"
#include "ingest/decoders/web_log.h"
#include "ingest/json_parser.h"

namespace vigil {
namespace {

using namespace vigil::decode;

// "message repeated N times: [ ... ]" is expanded, but never into more
// events than this: the count is attacker-controlled text.
constexpr int64_t kMaxRepeat = 10000;

// vigil's own schema: exactly what POST /api/v1/events accepts.
class JsonDecoder final : public Decoder {
 public:
  explicit JsonDecoder(const IngestConfig& c) : decoder_(c) {}
  void decode(std::string_view chunk, size_t first_line, Timestamp received,
              DecodeResult& out) override {
    decoder_.decode(chunk, BodyFormat::kAuto, first_line, received, out);
  }

 private:
  EventDecoder decoder_;
};

// Syslog lines; the message goes to the program's decoder (sshd, sudo, ...).
// `headerless` names the program whose bare messages are accepted without a
// syslog header (`--format sshd` on `journalctl -o cat` output).
class SyslogDecoder final : public Decoder {
 public:
  SyslogDecoder(int year, std::string headerless)
      : years_(year), headerless_(std::move(headerless)) {}

  void decode(std::string_view chunk, size_t first_line, Timestamp received,
              DecodeResult& out) override {
    for_each_line(chunk, first_line,
                  [&](std::string_view line, size_t) { decode_line(line, received, out); });
  }

 private:
  void decode_line(std::string_view line, Timestamp received, DecodeResult& out) {
    if (line.size() > kMaxLineBytes)
      return keep_unparsed(line, "line longer than 1 MiB", received, out);
    const auto h = parse_syslog_header(line, received, years_);
    DocBuilder& doc = doc_;
    if (!h) {
      if (!headerless_.empty() && decode_auth_message(headerless_, line, doc)) {
        put(doc, "process.name", headerless_);
        put(doc, "message", line);
        ++out.read;
        return emit_built(doc, std::nullopt, received, out);
      }
      doc.clear();
      return keep_unparsed(line, "no syslog header (RFC 3164 or RFC 5424)", received, out);
    }
    header_fields(*h, doc);
    TextCursor m(h->message);
    if (m.eat("message repeated ")) {
      const auto n = to_int(m.word());
      if (n && *n > 0 && m.eat(" times: [")) {
        std::string_view inner = trim(m.rest());
        if (!inner.empty() && inner.back() == ']') inner.remove_suffix(1);
        inner = trim(inner);
        const int64_t count = std::min(*n, kMaxRepeat);
        put(doc, "log.syslog.repeated", *n);
        message_fields(h->app, inner, doc);
        Value repeated = doc.take();
        for (int64_t i = 1; i < count; ++i) emit(repeated, h->time, received, out);
        emit(std::move(repeated), h->time, received, out);
        return;
      }
    }
    message_fields(h->app, h->message, doc);
    ++out.read;
    emit_built(doc, h->time, received, out);
  }

  static void header_fields(const SyslogHeader& h, DocBuilder& doc) {
    if (h.priority >= 0) {
      put(doc, "log.syslog.priority", h.priority);
      put(doc, "log.syslog.facility.code", h.priority / 8);
      put(doc, "log.syslog.facility.name", facility_name(h.priority / 8));
      put(doc, "log.syslog.severity.code", h.priority % 8);
      put(doc, "log.syslog.severity.name", syslog_severity_name(h.priority % 8));
    }
    if (!h.hostname.empty()) put(doc, "host.hostname", h.hostname);
    if (!h.app.empty()) put(doc, "process.name", h.app);
    if (!h.procid.empty()) {
      if (auto pid = to_int(h.procid)) {
        put(doc, "process.pid", *pid);
      } else {
        put(doc, "log.syslog.procid", h.procid);
      }
    }
    if (!h.msgid.empty()) put(doc, "log.syslog.msgid", h.msgid);
    if (!h.structured_data.empty() && h.structured_data != "-")
      put(doc, "log.syslog.structured_data", h.structured_data);
    put(doc, "log.syslog.version", h.rfc5424 ? "5424" : "3164");
  }

  static void message_fields(std::string_view app, std::string_view message, DocBuilder& doc) {
    put(doc, "message", message);
    if (decode_auth_message(app, message, doc)) return;
    if (message.find("msg=audit(") != std::string_view::npos) parse_audit_record(message, doc);
  }

  static void emit(Value doc, std::optional<Timestamp> time, Timestamp received,
                   DecodeResult& out) {
    ++out.read;
    out.events.push_back(make_event(std::move(doc), time, received));
  }

  YearInference years_;
  std::string headerless_;
  DocBuilder doc_;
};

// One access-log or error-log line per event; a cut line keeps what decoded.
class WebDecoder final : public Decoder {
 public:
  explicit WebDecoder(bool error_log) : error_log_(error_log) {}

  void decode(std::string_view chunk, size_t first_line, Timestamp received,
              DecodeResult& out) override {
    for_each_line(chunk, first_line, [&](std::string_view line, size_t) {
      if (error_log_) return decode_error_line(line, received, out);
      decode_access_line(line, received, out);
    });
  }

 private:
  void decode_access_line(std::string_view line, Timestamp received, DecodeResult& out) {
    const WebLine w = parse_access_line(line, times_, copies_, access_);
    if (!w.anything) return keep_unparsed(line, w.problem, received, out);
    if (!w.problem.empty()) ++out.flagged;
    ++out.read;
    build_access_doc(access_, w.problem, line, add_event(w.time, received, out).doc);
  }

  void decode_error_line(std::string_view line, Timestamp received, DecodeResult& out) {
    const WebLine w = parse_error_line(line, doc_);
    if (!w.anything) {
      doc_.clear();
      return keep_unparsed(line, w.problem, received, out);
    }
    if (!w.problem.empty()) {
      put(doc_, "event.original", line);
      put(doc_, "error.type", "parse_error");
      put(doc_, "error.message", w.problem);
      ++out.flagged;
    }
    ++out.read;
    emit_built(doc_, w.time, received, out);
  }

  bool error_log_;
  DocBuilder doc_;  // error lines
  ClfTimeReader times_;
  AccessCopies copies_;
  AccessLine access_;
};

enum class JsonKind { kWindows, kCloudTrail, kZeek };

// JSON records of a known producer: one per line, a JSON array, a
// pretty-printed object, or CloudTrail's {"Records": [...]}. Zeek's TSV
// form (#fields header) is read too.
class JsonRecordDecoder final : public Decoder {
 public:
  JsonRecordDecoder(const IngestConfig& c, JsonKind kind)
      : parser_(ParseLimits{c.max_depth, c.max_field_bytes, c.max_event_bytes}), kind_(kind) {}

  void decode(std::string_view chunk, size_t first_line, Timestamp received,
              DecodeResult& out) override {
    const std::string_view t = trim(chunk);
    if (!t.empty() &&
        (t.front() == '[' || (t.front() == '{' && t.find('\n') != std::string_view::npos))) {
      if (decode_document(t, received, out)) return;
    }
    zeek_fields_.clear();
    zeek_path_.clear();
    for_each_line(chunk, first_line,
                  [&](std::string_view line, size_t) { decode_line(line, received, out); });
  }

 private:
  // A whole document: an array of records, or one object (maybe Records[]).
  bool decode_document(std::string_view text, Timestamp received, DecodeResult& out) {
    std::string wrapped;
    if (text.front() == '[') {
      wrapped = fmt::format("{{\"Records\":{}}}", text);
      text = wrapped;
    }
    auto doc = parser_.parse(text);
    if (!doc) return false;
    add_records(std::move(*doc), received, out);
    return true;
  }

  void add_records(Value doc, Timestamp received, DecodeResult& out) {
    Value* records = doc.find("Records");
    if (records != nullptr && records->is_array()) {
      for (Value& r : records->as_array()) {
        if (r.is_object()) {
          add(std::move(r), received, out);
        } else {
          keep_unparsed(to_json(r), "a record that is not a JSON object", received, out);
        }
      }
      return;
    }
    add(std::move(doc), received, out);
  }

  void decode_line(std::string_view line, Timestamp received, DecodeResult& out) {
    if (kind_ == JsonKind::kZeek && line.front() == '#') return zeek_header(line);
    if (kind_ == JsonKind::kZeek && line.front() != '{') return zeek_tsv(line, received, out);
    auto doc = parser_.parse(line);
    if (!doc) return keep_unparsed(line, doc.error().message, received, out);
    add_records(std::move(*doc), received, out);
  }

  void add(Value doc, Timestamp received, DecodeResult& out) {
    std::optional<Timestamp> time;
    switch (kind_) {
      case JsonKind::kWindows:
        time = add_windows_fields(doc);
        break;
      case JsonKind::kCloudTrail:
        time = add_cloudtrail_fields(doc);
        break;
      case JsonKind::kZeek:
        time = add_zeek_fields(doc);
        break;
    }
    ++out.read;
    out.events.push_back(make_event(std::move(doc), time, received));
  }

  void zeek_header(std::string_view line) {
    TextCursor c(line);
    if (c.eat("#fields\t")) {
      zeek_fields_.clear();
      std::string_view rest = c.rest();
      while (!rest.empty()) {
        const size_t tab = rest.find('\t');
        zeek_fields_.emplace_back(rest.substr(0, tab));
        rest = tab == std::string_view::npos ? std::string_view() : rest.substr(tab + 1);
      }
    } else if (c.eat("#path\t")) {
      zeek_path_ = std::string(c.rest());
    }
  }

  void zeek_tsv(std::string_view line, Timestamp received, DecodeResult& out) {
    if (zeek_fields_.empty())
      return keep_unparsed(line, "Zeek TSV line before any #fields header", received, out);
    Value doc{Object{}};
    if (!zeek_path_.empty()) doc.set("_path", Value(zeek_path_));
    size_t i = 0;
    std::string_view rest = line;
    while (i < zeek_fields_.size()) {
      const size_t tab = rest.find('\t');
      const std::string_view v = rest.substr(0, tab);
      if (v != "-" && v != "(empty)") {
        if (auto n = to_int(v)) {
          doc.set(zeek_fields_[i], Value(*n));
        } else if (zeek_fields_[i] == "ts") {
          doc.set("ts", Value(std::strtod(std::string(v).c_str(), nullptr)));
        } else {
          doc.set(zeek_fields_[i], Value(v));
        }
      }
      ++i;
      if (tab == std::string_view::npos) break;
      rest = rest.substr(tab + 1);
    }
    if (i != zeek_fields_.size())
      return keep_unparsed(
          line, fmt::format("{} Zeek TSV fields where #fields names {}", i, zeek_fields_.size()),
          received, out);
    add(std::move(doc), received, out);
  }

  JsonEventParser parser_;
  JsonKind kind_;
  std::vector<std::string> zeek_fields_;
  std::string zeek_path_;
};

class AuditdDecoder final : public Decoder {
 public:
  void decode(std::string_view chunk, size_t first_line, Timestamp received,
              DecodeResult& out) override {
    for_each_line(chunk, first_line, [&](std::string_view line, size_t) {
      const auto time = parse_audit_record(line, doc_);
      if (!time) {
        doc_.clear();
        return keep_unparsed(line, "not an audit record (type=... msg=audit(...):)", received, out);
      }
      ++out.read;
      emit_built(doc_, time, received, out);
    });
  }

 private:
  DocBuilder doc_;
};

struct Builtin {
  const char* name;
  const char* what;
};

// Names and one-line descriptions (docs/sources.md has the details).
constexpr Builtin kBuiltins[] = {
    {"json", "vigil's JSON schema, ECS, any flat or nested JSON (NDJSON, array, object)"},
    {"syslog", "RFC 5424 / RFC 3164 lines; sshd, PAM, sudo, su, useradd... messages decoded"},
    {"sshd", "syslog lines (or bare sshd messages) from OpenSSH"},
    {"auth", "syslog lines of auth.log / secure (sshd, PAM, sudo, su, account tools)"},
    {"sudo", "syslog lines (or bare sudo messages)"},
    {"su", "syslog lines (or bare su messages)"},
    {"access", "Apache/nginx access log, combined or common format"},
    {"apache_access", "same as access"},
    {"nginx_access", "same as access"},
    {"apache_error", "Apache 2.2/2.4 error log"},
    {"nginx_error", "nginx error log"},
    {"windows", "Windows event JSON: Event.System/EventData, Winlogbeat, or flat"},
    {"cloudtrail", "AWS CloudTrail: Records[] files, arrays or one record per line"},
    {"zeek", "Zeek logs, JSON or TSV with #fields header"},
    {"auditd", "Linux audit records (type=... msg=audit(...):)"},
};

}  // namespace

DecoderCatalog decoder_catalog(const Config& config) {
  return DecoderCatalog{config.ingest, config.decoders, config.ingest.syslog_year};
}

const std::vector<std::string>& builtin_decoder_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& b : kBuiltins) n.emplace_back(b.name);
    return n;
  }();
  return names;
}

bool decoder_exists(const DecoderCatalog& catalog, std::string_view name) {
  const auto& builtin = builtin_decoder_names();
  if (std::find(builtin.begin(), builtin.end(), name) != builtin.end()) return true;
  return std::any_of(catalog.declared.begin(), catalog.declared.end(),
                     [&](const auto& d) { return d.name == name; });
}

Result<std::unique_ptr<Decoder>> make_decoder(std::string_view name,
                                              const DecoderCatalog& catalog) {
  // Declared decoders come first: a user may replace a built-in by name.
  for (const auto& d : catalog.declared) {
    if (d.name == name) return decode::make_declared_decoder(d);
  }
  using Ptr = std::unique_ptr<Decoder>;
  if (name == "json") return Ptr(new JsonDecoder(catalog.ingest));
  if (name == "syslog" || name == "auth") return Ptr(new SyslogDecoder(catalog.year, ""));
  if (name == "sshd" || name == "sudo" || name == "su")
    return Ptr(new SyslogDecoder(catalog.year, std::string(name)));
  if (name == "access" || name == "apache_access" || name == "nginx_access")
    return Ptr(new WebDecoder(false));
  if (name == "apache_error" || name == "nginx_error") return Ptr(new WebDecoder(true));
  if (name == "windows") return Ptr(new JsonRecordDecoder(catalog.ingest, JsonKind::kWindows));
  if (name == "cloudtrail")
    return Ptr(new JsonRecordDecoder(catalog.ingest, JsonKind::kCloudTrail));
  if (name == "zeek") return Ptr(new JsonRecordDecoder(catalog.ingest, JsonKind::kZeek));
  if (name == "auditd") return Ptr(new AuditdDecoder());
  std::string known;
  for (const auto& n : builtin_decoder_names()) known += (known.empty() ? "" : ", ") + n;
  for (const auto& d : catalog.declared) known += ", " + d.name;
  return make_error(ErrorCode::kConfig,
                    fmt::format("unknown decoder '{}' (known: {})", name, known));
}

}  // namespace vigil
