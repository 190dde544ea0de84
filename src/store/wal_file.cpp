#include "store/wal_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vigil::store {

Result<std::shared_ptr<WalFile>> WalFile::open(sqlite3* db) {
  std::filesystem::path path = sqlite3_filename_wal(sqlite3_db_filename(db, "main"));
  // Opened once, before the writes it will flush: Linux reports a writeback error
  // to every descriptor open when it happened, so a flush through this one sees
  // errors even if SQLite's own descriptor saw them first. (Write access only
  // because some systems refuse to sync a read-only descriptor.)
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
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
  // kStorage whatever errno says: after a failed flush only a restart helps (sync()).
  return make_error(ErrorCode::kStorage,
                    fmt::format("flushing {}: {}", path_.string(), std::strerror(errno)));
}

}  // namespace vigil::store
