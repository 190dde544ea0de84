// RFC 6587 framing on a TCP byte stream: each frame is either octet-counted
// ("<length> <message>") or ends at a newline; a sender may even mix them.
// A frame longer than the limit is cut (the rest skipped) and reported cut.
#pragma once

#include <string>
#include <string_view>

namespace vigil {

// A message without the line end, or NUL, that senders leave inside a UDP
// datagram or an octet-counted frame ("…ssh2\r\n"): kept, it would decode as
// "#015" at the end of the last field (an address read as a host name).
inline std::string_view without_line_end(std::string_view msg) {
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == '\r' || msg.back() == '\0')) {
    msg.remove_suffix(1);
  }
  return msg;
}

class SyslogFramer {
 public:
  explicit SyslogFramer(size_t max_message) : max_(max_message) {}

  // Calls on_message(message, cut) for every complete frame in the data so far.
  template <typename Fn>
  void feed(std::string_view data, Fn&& on_message);
  // End of stream: an unterminated newline-framed message is still a message.
  template <typename Fn>
  void finish(Fn&& on_message) {
    if (!buf_.empty() && skip_ == 0 && !skip_line_) on_message(std::string_view(buf_), false);
    buf_.clear();
  }

 private:
  size_t max_;
  std::string buf_;
  size_t skip_ = 0;         // octets of an oversized counted frame still to discard
  bool skip_line_ = false;  // discarding an oversized line up to its newline
};

template <typename Fn>
void SyslogFramer::feed(std::string_view data, Fn&& on_message) {
  if (skip_ > 0) {
    const size_t n = std::min(skip_, data.size());
    skip_ -= n;
    data.remove_prefix(n);
  }
  if (skip_line_) {
    const size_t nl = data.find('\n');
    if (nl == std::string_view::npos) return;
    skip_line_ = false;
    data.remove_prefix(nl + 1);
  }
  buf_.append(data);
  size_t pos = 0;
  while (pos < buf_.size()) {
    // Octet counting: 1-9 digits, a space, then exactly that many octets.
    size_t digits = 0;
    while (pos + digits < buf_.size() && digits < 10 && buf_[pos + digits] >= '0' &&
           buf_[pos + digits] <= '9')
      ++digits;
    const bool counted = digits > 0 && digits < 10 && buf_[pos] != '0' &&
                         pos + digits < buf_.size() && buf_[pos + digits] == ' ';
    if (digits > 0 && pos + digits == buf_.size() && digits < 10) break;  // count not complete
    if (counted) {
      const size_t len = std::stoul(buf_.substr(pos, digits));
      const size_t start = pos + digits + 1;
      if (len > max_) {
        if (buf_.size() - start < max_) break;  // wait for the part we keep
        on_message(std::string_view(buf_).substr(start, max_), true);
        const size_t have = buf_.size() - start - max_;
        const size_t rest = len - max_;
        if (have >= rest) {
          pos = start + len;
          continue;
        }
        skip_ = rest - have;
        pos = buf_.size();
        break;
      }
      if (buf_.size() - start < len) break;  // wait for the rest of the frame
      const std::string_view msg = without_line_end(std::string_view(buf_).substr(start, len));
      if (!msg.empty()) on_message(msg, false);
      pos = start + len;
      // Some senders put a newline after counted frames too.
      if (pos < buf_.size() && buf_[pos] == '\n') ++pos;
      continue;
    }
    const size_t nl = buf_.find('\n', pos);
    if (nl == std::string::npos) {
      if (buf_.size() - pos > max_) {
        on_message(std::string_view(buf_).substr(pos, max_), true);
        skip_line_ = true;
        pos = buf_.size();
      }
      break;
    }
    std::string_view msg = std::string_view(buf_).substr(pos, nl - pos);
    if (!msg.empty() && msg.back() == '\r') msg.remove_suffix(1);
    if (msg.size() > max_) {
      on_message(msg.substr(0, max_), true);
    } else if (!msg.empty()) {
      on_message(msg, false);
    }
    pos = nl + 1;
  }
  buf_.erase(0, pos);
}

}  // namespace vigil
