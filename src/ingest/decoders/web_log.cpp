#include "ingest/decoders/web_log.h"

#include <array>

#include "ingest/decoders/record.h"
#include "ingest/decoders/text_cursor.h"

namespace vigil::decode {
namespace {

std::optional<int> number(std::string_view s) {
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

// "17/May/2015:10:05:03 +0000"
std::optional<Timestamp> clf_time(std::string_view s) {
  if (s.size() < 20 || s[2] != '/' || s[6] != '/' || s[11] != ':') return std::nullopt;
  const auto d = number(s.substr(0, 2)), y = number(s.substr(7, 4)), h = number(s.substr(12, 2)),
             mi = number(s.substr(15, 2)), sec = number(s.substr(18, 2));
  const int mo = month_from_abbrev(s.substr(3, 3));
  if (!d || !y || !h || !mi || !sec || mo == 0 || *d < 1 || *d > 31 || *h > 23 || *mi > 59 ||
      *sec > 60)
    return std::nullopt;
  int offset = 0;
  if (s.size() >= 26 && (s[21] == '+' || s[21] == '-')) {
    const auto oh = number(s.substr(22, 2)), om = number(s.substr(24, 2));
    if (!oh || !om) return std::nullopt;
    offset = (*oh * 3600 + *om * 60) * (s[21] == '-' ? -1 : 1);
  }
  return civil(*y, mo, *d, *h, *mi, *sec, 0, offset);
}

// A double-quoted field with backslash escapes; advances past it.
std::optional<std::string> quoted_field(TextCursor& c) {
  c.skip_spaces();
  std::string_view s = c.rest();
  if (s.empty() || s.front() != '"') return std::nullopt;
  std::string out;
  size_t i = 1;
  for (; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == '"' || s[i + 1] == '\\')) {
      out.push_back(s[++i]);  // Apache escapes only these; \xhh stays as written
    } else if (s[i] == '"') {
      break;
    } else {
      out.push_back(s[i]);
    }
  }
  if (i >= s.size()) return std::nullopt;  // no closing quote: truncated
  c = TextCursor(s.substr(i + 1));
  return out;
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string decode_once(std::string_view s, bool plus) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else if (plus && s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

void put_request(Value& doc, std::string_view request) {
  put(doc, "http.request.original", Value(request));
  TextCursor r(request);
  const std::string_view method = r.word();
  const std::string_view target = r.word();
  const std::string_view version = r.word();
  const bool token = !method.empty() && method.size() <= 20 &&
                     method.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ_-") == std::string::npos;
  if (!token || target.empty()) return;  // "-", TLS bytes sent to a plain port, ...
  put(doc, "http.request.method", Value(method));
  put(doc, "url.original", Value(target));
  std::string_view path = target, query;
  if (const size_t q = target.find('?'); q != std::string_view::npos) {
    path = target.substr(0, q);
    query = target.substr(q + 1);
  }
  if (const size_t hash = query.find('#'); hash != std::string_view::npos)
    query = query.substr(0, hash);
  put(doc, "url.path", Value(path));
  if (!query.empty()) put(doc, "url.query", Value(query));
  std::string decoded = decode_url_text(path, false);
  if (!query.empty()) {
    decoded += '?';
    decoded += decode_url_text(query, true);
  }
  put(doc, "url.decoded", Value(repair_utf8(decoded)));
  if (version.substr(0, 5) == "HTTP/") put(doc, "http.version", Value(version.substr(5)));
}

void put_client(Value& doc, std::string_view host) {
  if (looks_like_ip(host)) {
    put(doc, "source.ip", Value(host));
  } else {
    put(doc, "source.domain", Value(host));
  }
}

}  // namespace

std::string decode_url_text(std::string_view s, bool plus) {
  std::string cur(s);
  for (int round = 0; round < 3; ++round) {
    std::string next = decode_once(cur, plus && round == 0);
    if (next == cur) break;
    cur = std::move(next);
  }
  return cur;
}

WebLine parse_access_line(std::string_view line) {
  WebLine w;
  w.doc = Value(Object{});
  TextCursor c(line);
  const std::string_view host = c.word();
  const std::string_view ident = c.word();
  const std::string_view user = c.word();
  c.skip_spaces();
  if (host.empty() || ident.empty() || user.empty() || !c.eat("[")) {
    w.problem = "not an access log line (client ident user [time] expected)";
    return w;
  }
  const auto time_text = c.until("]");
  w.time = time_text ? clf_time(*time_text) : std::nullopt;
  if (!w.time) {
    w.problem = "access log time is not dd/Mon/yyyy:HH:MM:SS +zzzz";
    return w;
  }
  w.anything = true;
  put(w.doc, "event.category", Value("web"));
  put(w.doc, "event.type", Value("access"));
  put(w.doc, "event.action", Value("http_request"));
  put_client(w.doc, host);
  if (user != "-") put(w.doc, "user.name", Value(user));
  const auto request = quoted_field(c);
  if (!request) {
    w.problem = "request line not closed by a quote";
    return w;
  }
  put_request(w.doc, *request);
  const auto status = number(c.word());
  if (!status || *status < 100 || *status > 999) {
    w.problem = "status code missing or not a number";
    return w;
  }
  put(w.doc, "http.response.status_code", Value(*status));
  put(w.doc, "event.outcome", Value(*status < 400 ? "success" : "failure"));
  const std::string_view bytes = c.word();
  if (auto b = number(bytes)) {
    put(w.doc, "http.response.body.bytes", Value(*b));
  } else if (bytes != "-") {
    w.problem = bytes.empty() ? "response size missing" : "response size is not a number";
    return w;
  }
  c.skip_spaces();
  if (c.done()) return w;  // common log format ends here
  const auto referrer = quoted_field(c);
  if (!referrer) {
    w.problem = "referrer not closed by a quote";
    return w;
  }
  if (*referrer != "-") put(w.doc, "http.request.referrer", Value(*referrer));
  c.skip_spaces();
  if (c.done()) return w;
  const auto agent = quoted_field(c);
  if (!agent) {
    w.problem = "user agent not closed by a quote (truncated line?)";
    return w;
  }
  if (*agent != "-") put(w.doc, "user_agent.original", Value(*agent));
  return w;  // trailing extra fields (nginx $request_time, ...) are not decoded
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

void apache_error_fields(TextCursor& c, WebLine& w) {
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
        if (auto p = number(addr.substr(colon + 1))) put(w.doc, "source.port", Value(*p));
        addr = addr.substr(0, colon);
      }
      put_client(w.doc, addr);
    } else if (g.eat("pid ")) {
      const std::string_view pid = g.word();
      if (auto p = number(pid.substr(0, pid.find(':')))) put(w.doc, "process.pid", Value(*p));
    } else if (!group->empty() && group->find(' ') == std::string_view::npos) {
      const size_t colon = group->find(':');
      if (colon != std::string_view::npos) put(w.doc, "log.logger", Value(group->substr(0, colon)));
      put(w.doc, "log.level",
          Value(group->substr(colon == std::string_view::npos ? 0 : colon + 1)));
    } else {
      c = TextCursor(save);
      break;
    }
  }
  std::string_view msg = c.rest();
  if (msg.size() > 9 && msg.substr(0, 2) == "AH" && msg[7] == ':') {
    put(w.doc, "error.code", Value(msg.substr(0, 7)));
    msg = msg.substr(8);
    while (!msg.empty() && msg.front() == ' ') msg.remove_prefix(1);
  }
  put(w.doc, "message", Value(msg));
}

// nginx: "2024/01/02 03:04:05 [error] 123#0: *1 open() failed, client: 1.2.3.4, server: ..."
bool nginx_error(std::string_view line, WebLine& w) {
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
  put(w.doc, "log.level", Value(*level));
  const std::string_view pid = c.word();
  if (auto p = number(pid.substr(0, pid.find('#')))) put(w.doc, "process.pid", Value(*p));
  c.skip_spaces();
  std::string_view msg = c.rest();
  if (const size_t client = msg.find(", client: "); client != std::string_view::npos) {
    TextCursor cc(msg.substr(client + 10));
    std::string_view ip = cc.word();
    if (!ip.empty() && ip.back() == ',') ip.remove_suffix(1);
    put_client(w.doc, ip);
    if (const size_t req = msg.find(", request: \"", client); req != std::string_view::npos) {
      const size_t end = msg.find('"', req + 12);
      if (end != std::string_view::npos) put_request(w.doc, msg.substr(req + 12, end - req - 12));
    }
    msg = msg.substr(0, client);
  }
  put(w.doc, "message", Value(msg));
  return true;
}

}  // namespace

WebLine parse_error_line(std::string_view line) {
  WebLine w;
  w.doc = Value(Object{});
  if (line.substr(0, 1) == "[") {
    TextCursor c(line.substr(1));
    const auto stamp = c.until("]");
    w.time = stamp ? apache_error_time(*stamp) : std::nullopt;
    if (!w.time) {
      w.problem = "error log time is not [Www Mmm dd hh:mm:ss yyyy]";
      return w;
    }
    apache_error_fields(c, w);
  } else if (!nginx_error(line, w)) {
    w.problem = "not an Apache or nginx error log line";
    return w;
  }
  w.anything = true;
  put(w.doc, "event.category", Value("web"));
  put(w.doc, "event.type", Value("error"));
  put(w.doc, "event.action", Value("http_error_log"));
  return w;
}

}  // namespace vigil::decode
