#include "app/log_decoding.h"

#include <fmt/format.h>
#include <unistd.h>

#include <memory>

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

Result<DecodedLog> decode_log_file(const std::string& path, const std::string& decoder,
                                   const DecoderCatalog& catalog) {
  auto dec = make_decoder(decoder, catalog);
  if (!dec) return tl::unexpected(dec.error());
  gzFile in = open_log(path);
  if (in == nullptr) return make_error(ErrorCode::kIo, fmt::format("{}: cannot open", path));
  std::unique_ptr<gzFile_s, int (*)(gzFile)> closer(in, &gzclose);
  std::string text;
  char buf[1 << 16];
  int n = 0;
  while ((n = gzread(in, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  DecodedLog out;
  out.read_error = log_read_error(in, path);
  (*dec)->decode(text, 1, Timestamp::now(), out.decoded);
  return out;
}

}  // namespace vigil
