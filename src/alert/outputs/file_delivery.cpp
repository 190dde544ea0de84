#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>

#include "alert/outputs/deliveries.h"

namespace vigil {
namespace fs = std::filesystem;

Result<std::unique_ptr<AlertDelivery>> FileDelivery::open(const fs::path& path, uint64_t max_bytes,
                                                          int max_files) {
  std::unique_ptr<FileDelivery> d(new FileDelivery(path, max_bytes, max_files));
  if (!d->reopen()) {
    return make_error(ErrorCode::kIo,
                      fmt::format("cannot open alert file {}: {}", path.string(), strerror(errno)));
  }
  return std::unique_ptr<AlertDelivery>(std::move(d));
}

FileDelivery::~FileDelivery() {
  if (file_) std::fclose(file_);
}

bool FileDelivery::reopen() {
  if (file_) std::fclose(file_);
  if (path_.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(path_.parent_path(), ec);
  }
  file_ = std::fopen(path_.c_str(), "ab");
  if (!file_) return false;
  std::error_code ec;
  size_ = fs::file_size(path_, ec);
  if (ec) size_ = 0;
  return true;
}

void FileDelivery::rotate() {
  std::error_code ec;
  const auto numbered = [&](int i) { return fs::path(path_.string() + "." + std::to_string(i)); };
  if (max_files_ <= 0) {
    fs::remove(path_, ec);
  } else {
    fs::remove(numbered(max_files_), ec);
    for (int i = max_files_ - 1; i >= 1; --i) fs::rename(numbered(i), numbered(i + 1), ec);
    fs::rename(path_, numbered(1), ec);
  }
  if (!reopen()) spdlog::error("alert file {}: cannot reopen after rotation", path_.string());
}

bool FileDelivery::deliver(const AlertMessage& message) {
  const uint64_t line = message.json.size() + 1;
  if (size_ > 0 && size_ + line > max_bytes_) rotate();
  if (!file_ && !reopen()) return false;
  const bool ok =
      std::fwrite(message.json.data(), 1, message.json.size(), file_) == message.json.size() &&
      std::fputc('\n', file_) != EOF && std::fflush(file_) == 0;
  if (ok) size_ += line;
  return ok;
}

}  // namespace vigil
