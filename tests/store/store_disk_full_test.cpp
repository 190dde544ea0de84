// A real full disk: the store's data dir on a small tmpfs mounted for the test, filled
// up with a ballast file. Mounting needs CAP_SYS_ADMIN (root in the CI container); where
// it is not allowed the test is skipped, and StoreDiskFull.PageLimit* (SQLite's
// max_page_count) still covers the SQLITE_FULL path.
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "store_test_util.h"

namespace vigil::store {
namespace {

using testing::at;
using testing::make_event;
using testing::query_all;

std::vector<StoredEvent> padded_events(int first_seq, int n, Timestamp start) {
  std::vector<StoredEvent> batch;
  for (int i = 0; i < n; ++i) {
    auto e = make_event(first_seq + i, Timestamp{start.micros + i}, "t", "u", "10.0.0.0");
    e.json.insert(e.json.size() - 1, ",\"pad\":\"" + std::string(400, 'x') + "\"");
    batch.push_back(std::move(e));
  }
  return batch;
}

// Writes until the file system refuses: 64 KiB chunks, then single pages, then bytes.
void fill_up(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0) << std::strerror(errno);
  static const std::string chunk(64 << 10, 'b');
  for (size_t size : {chunk.size(), size_t{4096}, size_t{1}}) {
    while (::write(fd, chunk.data(), size) == static_cast<ssize_t>(size)) {
    }
  }
  EXPECT_EQ(errno, ENOSPC);
  ::close(fd);
}

class StoreRealDiskFull : public ::testing::Test {
 protected:
  void SetUp() override {
    mount_point_ = vigil::testing::make_temp_dir("vigil-store-tmpfs");
    if (::mount("tmpfs", mount_point_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=4m") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs here: " << std::strerror(errno);
    }
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) ::umount2(mount_point_.c_str(), MNT_DETACH);
    std::error_code ec;
    std::filesystem::remove_all(mount_point_, ec);
  }
  std::filesystem::path mount_point_;
  bool mounted_ = false;
};

TEST_F(StoreRealDiskFull, EnospcGivesStorageFullStoresNothingAndWritingResumes) {
  auto config = testing::config_for(mount_point_ / "data");
  config.min_free_bytes = 256 << 10;
  auto store = testing::open_store(config);
  ASSERT_TRUE(store->write(padded_events(0, 50, at(2024, 4, 1, 9))));
  auto healthy = store->check_health();
  ASSERT_TRUE(healthy) << healthy.error().message;

  fill_up(mount_point_ / "ballast");
  const auto batch = padded_events(50, 2000, at(2024, 4, 1, 10));  // about 1 MiB
  auto r = store->write(batch);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kStorageFull) << r.error().message;
  auto full = store->check_health();
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().code, ErrorCode::kStorageFull) << full.error().message;
  // Searching keeps working, and shows nothing of the failed batch.
  EXPECT_EQ(query_all(*store, {}).size(), 50u);
  // Retrying while full fails the same way (the writer is not left in a broken state).
  auto again = store->write(batch);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kStorageFull);

  std::filesystem::remove(mount_point_ / "ballast");
  auto recovered = store->check_health();
  EXPECT_TRUE(recovered) << recovered.error().message;
  auto retried = store->write(batch);
  ASSERT_TRUE(retried) << retried.error().message;
  const auto seqs = query_all(*store, {});
  ASSERT_EQ(seqs.size(), 2050u);
  EXPECT_EQ(seqs.front(), 2049);
  EXPECT_EQ(seqs.back(), 0);
}

TEST_F(StoreRealDiskFull, DayCommittedBeforeAnotherDayFailedIsTakenBack) {
  auto config = testing::config_for(mount_point_ / "data");
  config.min_free_bytes = 0;
  auto store = testing::open_store(config);
  ASSERT_TRUE(store->write(padded_events(0, 50, at(2024, 4, 1, 9))));
  ASSERT_TRUE(store->write(padded_events(50, 1, at(2024, 4, 2, 9))));  // both files exist

  // Room for a small commit on the first day (and the reserve for undoing it), not for
  // the big one on the second.
  fill_up(mount_point_ / "ballast");
  const auto ballast = mount_point_ / "ballast";
  std::filesystem::resize_file(ballast, std::filesystem::file_size(ballast) - (768 << 10));
  auto batch = padded_events(100, 10, at(2024, 4, 1, 10));
  const auto big = padded_events(110, 2000, at(2024, 4, 2, 10));
  batch.insert(batch.end(), big.begin(), big.end());
  auto r = store->write(batch);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kStorageFull) << r.error().message;
  // The second day's commit failed, so the first day's had succeeded and was undone.
  EXPECT_NE(r.error().message.find("COMMIT"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("2024.04.02"), std::string::npos) << r.error().message;
  EXPECT_EQ(query_all(*store, {}).size(), 51u) << "rows of the failed batch are visible";

  std::filesystem::remove(ballast);
  ASSERT_TRUE(store->write(batch));
  EXPECT_EQ(query_all(*store, {}).size(), 2061u);  // each event once
}

}  // namespace
}  // namespace vigil::store
