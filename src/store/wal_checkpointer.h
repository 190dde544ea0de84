// Copies the committed WAL frames of day files back into the files on a thread of its
// own. The store's writer thread is its serial path: with SQLite's automatic checkpoint,
// every 1,000th page it committed also waited for 16 MiB to be read back from the WAL,
// written into the day file and fsynced (perf: the kernel copying pages was a quarter of
// the writer's time, half of it the checkpoints'). The writer now only asks (request())
// and goes on appending; the checkpoint is PASSIVE, so neither side waits for the other.
#pragma once

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

namespace vigil::store {

class WalCheckpointer {
 public:
  WalCheckpointer();
  // Finishes the checkpoint in progress, drops the pending ones (the writers' own
  // connections checkpoint what is left when they close).
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Returns at once; requests for a file already waiting are merged.
  void request(const std::filesystem::path& day_file);
  // Returns once nothing is pending or running (tests; before a file is removed).
  void wait_idle();
  uint64_t checkpoints_done() const;

 private:
  void run();
  void checkpoint(const std::filesystem::path& day_file);

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::vector<std::filesystem::path> pending_;
  bool running_ = false;
  bool stop_ = false;
  uint64_t done_ = 0;
  std::thread thread_;  // last: started once the rest exists
};

}  // namespace vigil::store
