#include "store/wal_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vigil::store {

Result<std::shared_ptr<WalFile>> WalFile::open(const std::filesystem::path& database) {
  std::filesystem::path path = database;
  path += "-wal";
  // Read-only is enough: on Linux fdatasync flushes the file, whichever descriptor asks.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return make_error(ErrorCode::kStorage,
                      fmt::format("opening {}: {}", path.string(), std::strerror(errno)));
  }
  return std::shared_ptr<WalFile>(new WalFile(fd, std::move(path)));
}

WalFile::~WalFile() {
  ::close(fd_);
}

Result<void> WalFile::flush(const FileSync& sync) const {
  const int rc = sync ? sync(fd_) : ::fdatasync(fd_);
  if (rc == 0) return {};
  const int err = errno;
  return make_error(err == ENOSPC || err == EDQUOT ? ErrorCode::kStorageFull : ErrorCode::kStorage,
                    fmt::format("flushing {}: {}", path_.string(), std::strerror(err)));
}

}  // namespace vigil::store
