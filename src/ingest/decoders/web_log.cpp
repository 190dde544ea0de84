#include "ingest/decoders/web_log.h"

#include <array>
#include <cstring>
#include <tuple>
#include <utility>

#include "core/strings.h"
#include "ingest/decoders/record.h"
#include "ingest/decoders/text_cursor.h"

namespace vigil::decode {
namespace {

std::optional<int> number(std::string_view s) {
  if (!s.empty() && s.size() <= 9) {  // plain digits, the common case, without from_chars
    int n = 0;
    size_t i = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) n = n * 10 + (s[i] - '0');
    if (i == s.size()) return n;
  }
  auto v = to_int(s);
  if (!v || *v < 0 || *v > 1'000'000'000) return std::nullopt;
  return static_cast<int>(*v);
}

Timestamp civil(int y, int mo, int d, int h, int mi, int s, int64_t micros, int offset_s) {
  const int64_t secs =
      days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
      mi * 60 + s - offset_s;
  return Timestamp{secs * 1'000'000 + micros};
}

// A double-quoted field with backslash escapes; advances past it. The text
// is a view of the line, or of its unescaped copy in `unescaped`.
std::optional<std::string_view> quoted_field(TextCursor& c, std::string& unescaped) {
  c.skip_spaces();
  const std::string_view s = c.rest();
  if (s.empty() || s.front() != '"') return std::nullopt;
  const size_t close = s.find('"', 1);
  if (close == std::string_view::npos) return std::nullopt;  // no closing quote: truncated
  if (s.substr(1, close - 1).find('\\') == std::string_view::npos) {
    c = TextCursor(s.substr(close + 1));
    return s.substr(1, close - 1);
  }
  unescaped.clear();
  size_t i = 1;
  for (; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == '"' || s[i + 1] == '\\')) {
      unescaped.push_back(s[++i]);  // Apache escapes only these; \xhh stays as written
    } else if (s[i] == '"') {
      break;
    } else {
      unescaped.push_back(s[i]);
    }
  }
  if (i >= s.size()) return std::nullopt;  // no closing quote: truncated
  c = TextCursor(s.substr(i + 1));
  return std::string_view(unescaped);
}

std::string decode_once(std::string_view s, bool plus) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_digit_value(s[i + 1]) >= 0 &&
        hex_digit_value(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_digit_value(s[i + 1]) * 16 + hex_digit_value(s[i + 2])));
      i += 2;
    } else if (plus && s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

void put_request(DocBuilder& doc, std::string_view request) {
  put(doc, "http.request.original", request);
  std::string decoded;
  const RequestParts r = split_request(request, decoded);
  if (!r.split) return;
  put(doc, "http.request.method", r.method);
  put(doc, "url.original", r.target);
  put(doc, "url.path", r.path);
  if (!r.query.empty()) put(doc, "url.query", r.query);
  put(doc, "url.decoded", std::string(r.decoded));
  if (r.version) put(doc, "http.version", *r.version);
}

void put_client(DocBuilder& doc, std::string_view host) {
  if (looks_like_ip(host)) {
    put(doc, "source.ip", host);
  } else {
    put(doc, "source.domain", host);
  }
}

// Seconds since midnight of the "hh:mm:ss" of a CLF time, at s[12..20) (two
// digits each); -1 when they are not a time.
int clf_time_of_day(std::string_view s) {
  auto two = [&](size_t at) {
    const char a = s[at], b = s[at + 1];
    return a >= '0' && a <= '9' && b >= '0' && b <= '9' ? (a - '0') * 10 + (b - '0') : -1;
  };
  const int h = two(12), mi = two(15), sec = two(18);
  if (h < 0 || mi < 0 || sec < 0 || h > 23 || mi > 59 || sec > 60) return -1;
  return h * 3600 + mi * 60 + sec;
}

}  // namespace

std::optional<Timestamp> parse_clf_time(std::string_view s) {
  if (s.size() < 20 || s[2] != '/' || s[6] != '/' || s[11] != ':') return std::nullopt;
  auto two = [&](size_t at) -> std::optional<int> {  // number() of s[at, at + 2)
    const char a = s[at], b = s[at + 1];
    if (a >= '0' && a <= '9' && b >= '0' && b <= '9') return (a - '0') * 10 + (b - '0');
    return number(s.substr(at, 2));
  };
  const auto d = two(0), y = number(s.substr(7, 4));
  const int mo = month_from_abbrev(s.substr(3, 3)), time_of_day = clf_time_of_day(s);
  if (!d || !y || mo == 0 || *d < 1 || *d > 31 || time_of_day < 0) return std::nullopt;
  int offset = 0;
  if (s.size() >= 26 && (s[21] == '+' || s[21] == '-')) {
    const auto oh = two(22), om = two(24);
    if (!oh || !om) return std::nullopt;
    offset = (*oh * 3600 + *om * 60) * (s[21] == '-' ? -1 : 1);
  }
  return civil(*y, mo, *d, 0, 0, time_of_day, 0, offset);
}

std::optional<Timestamp> ClfTimeReader::read(std::string_view s) {
  if (s.size() < 20 || s[2] != '/' || s[6] != '/' || s[11] != ':') return std::nullopt;
  // The zone, when parse_clf_time reads one, is s[21..26).
  const bool zone = s.size() >= 26 && (s[21] == '+' || s[21] == '-');
  if (known_ && zone == zone_ && std::memcmp(day_, s.data(), sizeof day_) == 0 &&
      (!zone || std::memcmp(offset_, s.data() + 21, sizeof offset_) == 0)) {
    const int tod = clf_time_of_day(s);
    if (tod < 0) return std::nullopt;
    return Timestamp{base_.micros + int64_t{tod} * 1'000'000};
  }
  const auto t = parse_clf_time(s);
  if (!t) return std::nullopt;
  known_ = true;
  std::memcpy(day_, s.data(), sizeof day_);
  zone_ = zone;
  if (zone) std::memcpy(offset_, s.data() + 21, sizeof offset_);
  base_ = Timestamp{t->micros - int64_t{clf_time_of_day(s)} * 1'000'000};
  return t;
}

std::string decode_url_text(std::string_view s, bool plus) {
  std::string cur(s);
  for (int round = 0; round < 3; ++round) {
    // Without '%' (or '+' to read as a space) a round would change nothing.
    if (cur.find('%') == std::string::npos &&
        (!(plus && round == 0) || cur.find('+') == std::string::npos))
      break;
    std::string next = decode_once(cur, plus && round == 0);
    if (next == cur) break;
    cur = std::move(next);
  }
  return cur;
}

RequestParts split_request(std::string_view request, std::string& decoded) {
  RequestParts r;
  TextCursor c(request);
  const std::string_view method = c.word();
  const std::string_view target = c.word();
  const std::string_view version = c.word();
  bool token = !method.empty() && method.size() <= 20;
  for (char ch : method) token = token && ((ch >= 'A' && ch <= 'Z') || ch == '_' || ch == '-');
  if (!token || target.empty()) return r;
  r.split = true;
  r.method = method;
  r.target = r.path = target;
  if (const size_t q = target.find('?'); q != std::string_view::npos) {
    r.path = target.substr(0, q);
    r.query = target.substr(q + 1);
  }
  if (const size_t hash = r.query.find('#'); hash != std::string_view::npos)
    r.query = r.query.substr(0, hash);
  const bool plain = r.path.find('%') == std::string_view::npos &&
                     r.query.find('%') == std::string_view::npos &&
                     r.query.find('+') == std::string_view::npos;
  if (plain) {  // nothing to decode, and the line is valid UTF-8: "path[?query]" as written
    r.decoded = target.substr(0, r.path.size() + (r.query.empty() ? 0 : 1 + r.query.size()));
  } else {
    decoded = decode_url_text(r.path, false);
    if (!r.query.empty()) {
      decoded += '?';
      decoded += decode_url_text(r.query, true);
    }
    if (!valid_utf8_line(decoded)) decoded = repair_utf8(decoded);
    r.decoded = decoded;
  }
  if (version.substr(0, 5) == "HTTP/") r.version = version.substr(5);
  return r;
}

WebLine parse_access_line(std::string_view line, ClfTimeReader& times, AccessCopies& copies,
                          AccessLine& fields) {
  WebLine w;
  AccessLine& a = fields = AccessLine{};
  TextCursor c(line);
  a.client = c.word();
  const std::string_view ident = c.word();
  const std::string_view user = c.word();
  c.skip_spaces();
  if (a.client.empty() || ident.empty() || user.empty() || !c.eat("[")) {
    w.problem = "not an access log line (client ident user [time] expected)";
    return w;
  }
  const auto time_text = c.until("]");
  w.time = time_text ? times.read(*time_text) : std::nullopt;
  if (!w.time) {
    w.problem = "access log time is not dd/Mon/yyyy:HH:MM:SS +zzzz";
    return w;
  }
  w.anything = true;
  if (user != "-") a.user = user;
  a.request = quoted_field(c, copies.request);
  if (!a.request) {
    w.problem = "request line not closed by a quote";
    return w;
  }
  a.request_parts = split_request(*a.request, copies.decoded_url);
  const auto status = number(c.word());
  if (!status || *status < 100 || *status > 999) {
    w.problem = "status code missing or not a number";
    return w;
  }
  a.status = status;
  const std::string_view bytes = c.word();
  a.bytes = number(bytes);
  if (!a.bytes && bytes != "-") {
    w.problem = bytes.empty() ? "response size missing" : "response size is not a number";
    return w;
  }
  c.skip_spaces();
  if (c.done()) return w;  // common log format ends here
  const auto referrer = quoted_field(c, copies.referrer);
  if (!referrer) {
    w.problem = "referrer not closed by a quote";
    return w;
  }
  if (*referrer != "-") a.referrer = referrer;
  c.skip_spaces();
  if (c.done()) return w;
  const auto agent = quoted_field(c, copies.agent);
  if (!agent) {
    w.problem = "user agent not closed by a quote (truncated line?)";
    return w;
  }
  if (*agent != "-") a.agent = agent;
  return w;  // trailing extra fields (nginx $request_time, ...) are not decoded
}

namespace {

// An object member of `parent`, with room for `members`. The keys are
// literals, so their length is known where the member is made (see below).
template <size_t N>
Object& object_member(Object& parent, const char (&key)[N], size_t members) {
  Value& v = parent
                 .emplace_back(std::piecewise_construct, std::forward_as_tuple(key, N - 1),
                               std::forward_as_tuple(Object{}))
                 .second;
  v.as_object().reserve(members);
  return v.as_object();
}

template <size_t N, typename V>
void member(Object& parent, const char (&key)[N], V&& v) {
  parent.emplace_back(std::piecewise_construct, std::forward_as_tuple(key, N - 1),
                      std::forward_as_tuple(std::forward<V>(v)));
}

}  // namespace

// flatten: every call made here is inlined, the strings' and vectors'
// constructors included, so each key is copied at its known length instead of
// through an out-of-line string constructor and a memcpy call (callgrind:
// 8.05 k -> 6.23 k instructions per line of the Elastic sample). Not in the
// AddressSanitizer build the tests run: instrumented, the flattened function
// took four CPU-minutes to compile (7 % of CI's build; 10 s without), for no speed
// anyone measures there.
#if defined(__SANITIZE_ADDRESS__)
#define VIGIL_FLATTEN_UNLESS_SANITIZED
#else
#define VIGIL_FLATTEN_UNLESS_SANITIZED [[gnu::flatten]]
#endif
VIGIL_FLATTEN_UNLESS_SANITIZED void build_access_doc(const AccessLine& a, std::string_view problem,
                                                     std::string_view line, Value& doc) {
  const RequestParts& r = a.request_parts;
  const bool flagged = !problem.empty();
  doc = Value(Object{});
  Object& top = doc.as_object();
  top.reserve(2 + a.user.has_value() + a.request.has_value() + r.split + a.agent.has_value() +
              flagged);
  Object& event = object_member(top, "event", 3 + a.status.has_value() + flagged);
  member(event, "category", "web");
  member(event, "type", "access");
  member(event, "action", "http_request");
  if (a.status) member(event, "outcome", *a.status < 400 ? "success" : "failure");
  if (flagged) member(event, "original", line);
  if (looks_like_ip(a.client)) {
    member(object_member(top, "source", 1), "ip", a.client);
  } else {
    member(object_member(top, "source", 1), "domain", a.client);
  }
  if (a.user) member(object_member(top, "user", 1), "name", *a.user);
  if (a.request) {
    Object& http = object_member(top, "http", 1 + r.version.has_value() + a.status.has_value());
    Object& request = object_member(http, "request", 1 + r.split + a.referrer.has_value());
    member(request, "original", *a.request);
    if (r.split) member(request, "method", r.method);
    if (a.referrer) member(request, "referrer", *a.referrer);
    if (r.version) member(http, "version", *r.version);
    if (a.status) {
      Object& response = object_member(http, "response", 1 + a.bytes.has_value());
      member(response, "status_code", int64_t{*a.status});
      if (a.bytes) member(object_member(response, "body", 1), "bytes", int64_t{*a.bytes});
    }
  }
  if (r.split) {
    Object& url = object_member(top, "url", 3 + !r.query.empty());
    member(url, "original", r.target);
    member(url, "path", r.path);
    if (!r.query.empty()) member(url, "query", r.query);
    member(url, "decoded", r.decoded);
  }
  if (a.agent) member(object_member(top, "user_agent", 1), "original", *a.agent);
  if (flagged) {
    Object& error = object_member(top, "error", 2);
    member(error, "type", "parse_error");
    member(error, "message", problem);
  }
}

namespace {

// "[Sun Dec 04 04:47:44 2005]" or "[Wed Oct 11 14:32:52.123456 2000]"
std::optional<Timestamp> apache_error_time(std::string_view s) {
  TextCursor c(s);
  c.word();  // weekday
  const int mo = month_from_abbrev(c.word());
  const auto d = number(c.word());
  const std::string_view clock = c.word();
  const auto y = number(c.word());
  if (mo == 0 || !d || !y || clock.size() < 8 || clock[2] != ':' || clock[5] != ':')
    return std::nullopt;
  const auto h = number(clock.substr(0, 2)), mi = number(clock.substr(3, 2)),
             sec = number(clock.substr(6, 2));
  if (!h || !mi || !sec) return std::nullopt;
  int64_t micros = 0;
  if (clock.size() > 9 && clock[8] == '.') {
    int64_t scale = 100000;
    for (char ch : clock.substr(9)) {
      if (ch < '0' || ch > '9') break;
      micros += (ch - '0') * scale;
      scale /= 10;
    }
  }
  return civil(*y, mo, *d, *h, *mi, *sec, micros, 0);
}

void apache_error_fields(TextCursor& c, DocBuilder& doc) {
  // Bracketed groups: [level] or [module:level], [pid N:tid M], [client ip:port]
  while (true) {
    c.skip_spaces();
    if (!c.starts_with("[")) break;
    const std::string_view save = c.rest();
    c.eat("[");
    const auto group = c.until("]");
    if (!group) {
      c = TextCursor(save);
      break;
    }
    TextCursor g(*group);
    if (g.eat("client ")) {
      std::string_view addr = g.rest();
      // "1.2.3.4:5678" (2.4) or "1.2.3.4" (2.2); IPv6 has several colons.
      const size_t colon = addr.rfind(':');
      if (colon != std::string_view::npos && addr.find(':') == colon) {
        if (auto p = number(addr.substr(colon + 1))) put(doc, "source.port", *p);
        addr = addr.substr(0, colon);
      }
      put_client(doc, addr);
    } else if (g.eat("pid ")) {
      const std::string_view pid = g.word();
      if (auto p = number(pid.substr(0, pid.find(':')))) put(doc, "process.pid", *p);
    } else if (!group->empty() && group->find(' ') == std::string_view::npos) {
      const size_t colon = group->find(':');
      if (colon != std::string_view::npos) put(doc, "log.logger", group->substr(0, colon));
      put(doc, "log.level", Value(group->substr(colon == std::string_view::npos ? 0 : colon + 1)));
    } else {
      c = TextCursor(save);
      break;
    }
  }
  std::string_view msg = c.rest();
  if (msg.size() > 9 && msg.substr(0, 2) == "AH" && msg[7] == ':') {
    put(doc, "error.code", msg.substr(0, 7));
    msg = msg.substr(8);
    while (!msg.empty() && msg.front() == ' ') msg.remove_prefix(1);
  }
  put(doc, "message", msg);
}

// nginx: "2024/01/02 03:04:05 [error] 123#0: *1 open() failed, client: 1.2.3.4, server: ..."
bool nginx_error(std::string_view line, WebLine& w, DocBuilder& doc) {
  if (line.size() < 20 || line[4] != '/' || line[7] != '/' || line[10] != ' ') return false;
  const auto y = number(line.substr(0, 4)), mo = number(line.substr(5, 2)),
             d = number(line.substr(8, 2)), h = number(line.substr(11, 2)),
             mi = number(line.substr(14, 2)), s = number(line.substr(17, 2));
  if (!y || !mo || !d || !h || !mi || !s) return false;
  w.time = civil(*y, *mo, *d, *h, *mi, *s, 0, 0);
  TextCursor c(line.substr(19));
  c.skip_spaces();
  if (!c.eat("[")) return false;
  const auto level = c.until("]");
  if (!level) return false;
  put(doc, "log.level", *level);
  const std::string_view pid = c.word();
  if (auto p = number(pid.substr(0, pid.find('#')))) put(doc, "process.pid", *p);
  c.skip_spaces();
  std::string_view msg = c.rest();
  if (const size_t client = msg.find(", client: "); client != std::string_view::npos) {
    TextCursor cc(msg.substr(client + 10));
    std::string_view ip = cc.word();
    if (!ip.empty() && ip.back() == ',') ip.remove_suffix(1);
    put_client(doc, ip);
    if (const size_t req = msg.find(", request: \"", client); req != std::string_view::npos) {
      const size_t end = msg.find('"', req + 12);
      if (end != std::string_view::npos) put_request(doc, msg.substr(req + 12, end - req - 12));
    }
    msg = msg.substr(0, client);
  }
  put(doc, "message", msg);
  return true;
}

}  // namespace

WebLine parse_error_line(std::string_view line, DocBuilder& doc) {
  WebLine w;
  if (line.substr(0, 1) == "[") {
    TextCursor c(line.substr(1));
    const auto stamp = c.until("]");
    w.time = stamp ? apache_error_time(*stamp) : std::nullopt;
    if (!w.time) {
      w.problem = "error log time is not [Www Mmm dd hh:mm:ss yyyy]";
      return w;
    }
    apache_error_fields(c, doc);
  } else if (!nginx_error(line, w, doc)) {
    w.problem = "not an Apache or nginx error log line";
    return w;
  }
  w.anything = true;
  put(doc, "event.category", "web");
  put(doc, "event.type", "error");
  put(doc, "event.action", "http_error_log");
  return w;
}

}  // namespace vigil::decode
