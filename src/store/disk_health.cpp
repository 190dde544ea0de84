#include "store/disk_health.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>

namespace vigil::store {
namespace {

tl::unexpected<Error> os_error(int err, std::string_view what) {
  const bool full = err == ENOSPC || err == EDQUOT;
  return make_error(full ? ErrorCode::kStorageFull : ErrorCode::kStorage,
                    fmt::format("{}: {}", what, std::strerror(err)));
}

// A real, synced write: free space alone does not show a read-only mount, a broken
// disk or missing permissions.
Result<void> probe_write(const std::filesystem::path& dir) {
  std::string name = (dir / ".vigil-health-XXXXXX").string();
  const int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) return os_error(errno, "health probe in " + dir.string());
  static const std::array<char, 4096> kPage{};
  int err = 0;
  if (::write(fd, kPage.data(), kPage.size()) != static_cast<ssize_t>(kPage.size())) {
    err = errno != 0 ? errno : ENOSPC;  // a short write means the disk filled up
  } else if (::fsync(fd) != 0) {
    err = errno;
  }
  ::close(fd);
  ::unlink(name.c_str());
  if (err != 0) return os_error(err, "health probe in " + dir.string());
  return {};
}

}  // namespace

Result<void> check_disk_writable(const std::filesystem::path& dir, uint64_t min_free_bytes) {
  struct statvfs fs {};
  if (::statvfs(dir.c_str(), &fs) != 0) return os_error(errno, "statvfs " + dir.string());
  // Below the reserve we report full before SQLite does: resuming only once a whole
  // batch (and its checkpoint) fits avoids flapping between ready and full.
  const uint64_t available = static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
  if (available < min_free_bytes) {
    return make_error(ErrorCode::kStorageFull,
                      fmt::format("{}: {} KiB free, below the {} KiB reserve", dir.string(),
                                  available / 1024, min_free_bytes / 1024));
  }
  return probe_write(dir);
}

}  // namespace vigil::store
