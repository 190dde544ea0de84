#include "ingest/decoders/json_formats.h"

#include <string>

#include "core/field_path.h"
#include "core/strings.h"
#include "ingest/decoders/record.h"
#include "ingest/decoders/text_cursor.h"

namespace vigil::decode {
namespace {

// A member by dotted path, honouring flat dotted keys ("id.orig_h") too.
const Value* at(const Value& doc, std::string_view dotted) {
  return FieldPath(dotted).find(doc);
}

// Text of a scalar: strings as they are, numbers in JSON form.
std::string text(const Value* v) {
  if (v == nullptr || v->is_null()) return {};
  if (v->is_string()) return v->as_string();
  if (v->kind() == Value::Kind::kInt) return std::to_string(v->as_int());
  if (v->kind() == Value::Kind::kUint) return std::to_string(v->as_uint());
  if (v->is_object()) return text(v->find("#text"));  // XML-derived {"#text": ...}
  return {};
}

void copy_text(Value& doc, const Value* from, std::string_view to) {
  std::string t = text(from);
  if (!t.empty() && t != "-") put(doc, to, Value(std::move(t)));
}

void copy_ip(Value& doc, const Value* from, std::string_view prefix) {
  const std::string t = text(from);
  if (looks_like_ip(t)) {
    put(doc, std::string(prefix) + ".ip", Value(t));
  } else if (!t.empty() && t != "-") {
    put(doc, std::string(prefix) + ".domain", Value(t));
  }
}

void copy_port(Value& doc, const Value* from, std::string_view to) {
  if (from == nullptr) return;
  std::optional<int64_t> p;
  if (from->kind() == Value::Kind::kInt) p = from->as_int();
  if (from->kind() == Value::Kind::kUint) p = static_cast<int64_t>(from->as_uint());
  if (from->is_string()) p = to_int(from->as_string());
  if (p && *p > 0 && *p <= 65535) put(doc, to, Value(*p));
}

// The first of several names present in the Windows event's data.
const Value* windows_field(const Value& doc, std::initializer_list<std::string_view> names) {
  for (auto root : {"Event.EventData", "winlog.event_data", ""}) {
    const Value* base = *root ? at(doc, root) : &doc;
    if (base == nullptr) continue;
    for (auto n : names) {
      if (const Value* v = base->find(n)) return v;
    }
  }
  return nullptr;
}

// Event.EventData.Data as a list of {"@Name": k, "#text": v} becomes {k: v}.
void flatten_event_data(Value& doc) {
  Value* data = doc.find("Event") ? doc.find("Event")->find("EventData") : nullptr;
  if (data == nullptr || !data->is_object()) return;
  Value* list = data->find("Data");
  if (list == nullptr || !list->is_array()) return;
  Object named;
  for (const Value& item : list->as_array()) {
    const Value* name = item.find("@Name");
    if (name == nullptr) name = item.find("Name");
    if (name == nullptr || !name->is_string()) continue;
    const Value* v = item.find("#text");
    named.emplace_back(name->as_string(), v ? *v : Value(nullptr));
  }
  if (named.empty()) return;
  for (auto& [k, v] : named) data->set(k, std::move(v));
}

struct WindowsMeaning {
  int id;
  const char* category;
  const char* type;
  const char* action;
  const char* outcome;
};

// The Security events the built-in rules and the Sigma mapping care about most.
constexpr WindowsMeaning kWindowsEvents[] = {
    {4624, "authentication", "start", "logged-in", "success"},
    {4625, "authentication", "start", "logon-failed", "failure"},
    {4634, "authentication", "end", "logged-out", "success"},
    {4648, "authentication", "start", "logged-in-explicit", "success"},
    {4672, "iam", "admin", "logged-in-special", "success"},
    {4688, "process", "start", "created-process", "success"},
    {4689, "process", "end", "exited-process", "success"},
    {4720, "iam", "creation", "added-user-account", "success"},
    {4722, "iam", "change", "enabled-user-account", "success"},
    {4724, "iam", "change", "reset-password", "success"},
    {4726, "iam", "deletion", "deleted-user-account", "success"},
    {4728, "iam", "change", "added-member-to-group", "success"},
    {4732, "iam", "change", "added-member-to-group", "success"},
    {4740, "iam", "change", "locked-out-user-account", "success"},
    {4768, "authentication", "start", "kerberos-authentication-ticket-requested", ""},
    {4769, "authentication", "start", "kerberos-service-ticket-requested", ""},
    {4771, "authentication", "start", "kerberos-preauth-failed", "failure"},
    {4776, "authentication", "start", "credential-validated", ""},
    {1102, "iam", "change", "audit-log-cleared", "success"},
    {7045, "configuration", "creation", "service-installed", "success"},
};

}  // namespace

std::optional<Timestamp> json_time(const Value* v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_object()) v = v->find("@SystemTime") ? v->find("@SystemTime") : v->find("SystemTime");
  if (v == nullptr) return std::nullopt;
  if (v->is_string()) return parse_iso8601(trim(v->as_string()));
  if (v->is_number()) return from_epoch_number(v->number());
  return std::nullopt;
}

std::optional<Timestamp> add_windows_fields(Value& doc) {
  flatten_event_data(doc);
  const Value* system = at(doc, "Event.System");
  auto sys = [&](std::initializer_list<std::string_view> flat_names,
                 std::string_view system_name) -> const Value* {
    if (system != nullptr) {
      if (const Value* v = system->find(system_name)) return v;
    }
    for (auto n : flat_names) {
      if (const Value* v = at(doc, n)) return v;
    }
    return nullptr;
  };
  const std::string event_id = text(sys({"EventID", "winlog.event_id", "event_id"}, "EventID"));
  if (!event_id.empty()) put(doc, "event.code", Value(event_id));
  copy_text(doc, sys({"Channel", "winlog.channel"}, "Channel"), "winlog.channel");
  const Value* provider = system ? system->find("Provider") : nullptr;
  std::string provider_name;
  if (provider != nullptr && provider->is_object()) {
    provider_name = text(provider->find("@Name"));
    if (provider_name.empty()) provider_name = text(provider->find("Name"));
    if (provider_name.empty() && provider->find("#attributes"))
      provider_name = text(provider->find("#attributes")->find("Name"));
  }
  if (provider_name.empty())
    provider_name =
        text(sys({"SourceName", "ProviderName", "Provider_Name", "winlog.provider_name"}, ""));
  if (!provider_name.empty()) put(doc, "event.provider", Value(provider_name));
  copy_text(doc, sys({"Computer", "Hostname", "winlog.computer_name"}, "Computer"), "host.name");
  copy_text(doc, windows_field(doc, {"TargetUserName"}), "user.name");
  if (at(doc, "user.name") == nullptr)
    copy_text(doc, windows_field(doc, {"SubjectUserName", "User"}), "user.name");
  copy_text(doc, windows_field(doc, {"TargetDomainName", "SubjectDomainName"}), "user.domain");
  copy_ip(doc, windows_field(doc, {"IpAddress", "SourceAddress", "SourceIp"}), "source");
  copy_port(doc, windows_field(doc, {"IpPort", "SourcePort"}), "source.port");
  copy_text(doc, windows_field(doc, {"CommandLine"}), "process.command_line");
  copy_text(doc, windows_field(doc, {"NewProcessName", "Image"}), "process.executable");
  copy_text(doc, windows_field(doc, {"LogonType"}), "winlog.logon.type");
  if (auto id = to_int(event_id)) {
    for (const auto& m : kWindowsEvents) {
      if (m.id != *id) continue;
      put(doc, "event.category", Value(m.category));
      put(doc, "event.type", Value(m.type));
      put(doc, "event.action", Value(m.action));
      if (*m.outcome) put(doc, "event.outcome", Value(m.outcome));
      break;
    }
  }
  for (const char* name :
       {"TimeCreated", "@timestamp", "EventTime", "TimeGenerated", "timestamp"}) {
    if (auto t = json_time(sys({name}, "TimeCreated"))) return t;
  }
  return std::nullopt;
}

std::optional<Timestamp> add_cloudtrail_fields(Value& doc) {
  put(doc, "cloud.provider", Value("aws"));
  copy_text(doc, doc.find("awsRegion"), "cloud.region");
  copy_text(doc, doc.find("recipientAccountId"), "cloud.account.id");
  const std::string name = text(doc.find("eventName"));
  const std::string source = text(doc.find("eventSource"));
  if (!name.empty()) put(doc, "event.action", Value(name));
  if (!source.empty()) put(doc, "event.provider", Value(source));
  copy_ip(doc, doc.find("sourceIPAddress"), "source");
  copy_text(doc, doc.find("userAgent"), "user_agent.original");
  const Value* identity = doc.find("userIdentity");
  if (identity != nullptr && identity->is_object()) {
    std::string user = text(identity->find("userName"));
    const std::string arn = text(identity->find("arn"));
    if (user.empty() && !arn.empty()) user = arn.substr(arn.rfind('/') + 1);
    if (!user.empty()) put(doc, "user.name", Value(user));
    copy_text(doc, identity->find("principalId"), "user.id");
    copy_text(doc, identity->find("accessKeyId"), "aws.cloudtrail.user_identity.access_key_id");
  }
  const std::string error = text(doc.find("errorCode"));
  std::string outcome = error.empty() ? "success" : "failure";
  if (name == "ConsoleLogin") {
    const std::string result = text(at(doc, "responseElements.ConsoleLogin"));
    if (!result.empty()) outcome = result == "Success" ? "success" : "failure";
    put(doc, "event.category", Value("authentication"));
  } else if (source == "iam.amazonaws.com") {
    put(doc, "event.category", Value("iam"));
  } else if (source == "signin.amazonaws.com" || source == "sts.amazonaws.com") {
    put(doc, "event.category", Value("authentication"));
  }
  put(doc, "event.outcome", Value(outcome));
  if (!error.empty()) put(doc, "error.code", Value(error));
  copy_text(doc, doc.find("errorMessage"), "error.message");
  // Logstash's CloudTrail input moves eventTime to @timestamp.
  if (auto t = json_time(doc.find("eventTime"))) return t;
  return json_time(doc.find("@timestamp"));
}

std::optional<Timestamp> add_zeek_fields(Value& doc) {
  const std::string path = text(doc.find("_path"));
  if (!path.empty()) put(doc, "event.dataset", Value("zeek." + path));
  copy_ip(doc, at(doc, "id.orig_h"), "source");
  copy_port(doc, at(doc, "id.orig_p"), "source.port");
  copy_ip(doc, at(doc, "id.resp_h"), "destination");
  copy_port(doc, at(doc, "id.resp_p"), "destination.port");
  copy_text(doc, doc.find("proto"), "network.transport");
  copy_text(doc, doc.find("service"), "network.protocol");
  copy_text(doc, doc.find("uid"), "zeek.session_id");
  if (path == "conn") {
    put(doc, "event.category", Value("network"));
    put(doc, "event.type", Value("connection"));
  } else if (path == "dns") {
    put(doc, "event.category", Value("network"));
    copy_text(doc, doc.find("query"), "dns.question.name");
  } else if (path == "http") {
    put(doc, "event.category", Value("web"));
    copy_text(doc, doc.find("method"), "http.request.method");
    copy_text(doc, doc.find("host"), "url.domain");
    copy_text(doc, doc.find("uri"), "url.original");
    copy_text(doc, doc.find("user_agent"), "user_agent.original");
    if (const Value* code = doc.find("status_code"); code && code->is_number())
      put(doc, "http.response.status_code", *code);
  } else if (path == "ssh" || path == "rdp" || path == "kerberos" || path == "ntlm" ||
             path == "ftp") {
    put(doc, "event.category", Value("authentication"));
    const Value* ok = doc.find("auth_success");
    if (ok == nullptr) ok = doc.find("success");
    if (ok != nullptr && ok->is_bool())
      put(doc, "event.outcome", Value(ok->as_bool() ? "success" : "failure"));
    copy_text(doc, doc.find("user"), "user.name");
    if (at(doc, "user.name") == nullptr) copy_text(doc, doc.find("username"), "user.name");
  } else if (path == "notice") {
    put(doc, "event.category", Value("intrusion_detection"));
    copy_text(doc, doc.find("note"), "rule.name");
    copy_text(doc, doc.find("msg"), "message");
  }
  return json_time(doc.find("ts"));
}

}  // namespace vigil::decode
