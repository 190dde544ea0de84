#include "app/log_decoding.h"

#include <fmt/format.h>

#include <memory>

namespace vigil {

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
