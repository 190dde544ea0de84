#include "sources/gzip_input.h"

#include <fmt/format.h>
#include <unistd.h>

namespace vigil {

gzFile open_log(const std::string& path) {
  return path == "-" ? gzdopen(dup(STDIN_FILENO), "rb") : gzopen(path.c_str(), "rb");
}

std::optional<Error> log_read_error(gzFile in, const std::string& path) {
  int code = Z_OK;
  const char* message = gzerror(in, &code);
  if (code == Z_OK) return std::nullopt;
  if (code == Z_BUF_ERROR) {
    return Error{ErrorCode::kIo, fmt::format("{}: truncated gzip stream", path)};
  }
  // zlib's message already starts with the name it was opened under.
  return Error{ErrorCode::kIo, fmt::format("read failed: {}", message)};
}

}  // namespace vigil
