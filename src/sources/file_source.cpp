// The `file` source: follows paths and globs like `tail -F`.
//  * Files are known by (device, inode), so a rename rotation is read to its
//    end under the old name while the new file is read from its start, and a
//    rotated file matched again by a glob is not read twice.
//  * A file that shrinks below the position was copy-truncated: read again
//    from the start.
//  * `.gz` files are read once, whole.
//  * The position of every file is persisted after the pipeline has taken
//    the lines (their batch completed), so a restart neither skips nor repeats.
//  * A last line without a newline is read once the file stopped growing for
//    a few polls.
//  * Zeek TSV: the `#` header of a file (#separator ... #fields, #types) is
//    remembered and put before every batch of its rows, since a decoder sees
//    one batch at a time; after a restart it is read again from the file.
#include <fmt/format.h>
#include <glob.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <zlib.h>

#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "sources/gzip_input.h"
#include "sources/line_batch.h"
#include "sources/sources.h"

namespace vigil {
namespace {

constexpr size_t kReadBytes = 1 << 20;
constexpr int kQuietPollsForPartialLine = 4;
constexpr size_t kMaxLineBytes = 1 << 20;

struct FileKey {
  uint64_t dev = 0, ino = 0;
  auto operator<=>(const FileKey&) const = default;
};

struct Tracked {
  std::string path;
  FILE* file = nullptr;
  uint64_t offset = 0;   // bytes handed to the pipeline (committed)
  uint64_t read_to = 0;  // bytes read into `partial` and the batch
  std::string partial;   // bytes after the last newline
  int quiet_polls = 0;
  bool gz_done = false;
  bool gone = false;  // no path names this inode any more
  size_t line_no = 0;
  std::vector<std::string> header;  // Zeek TSV: the file's `#` lines
};

bool is_zeek_header(std::string_view line) {
  return !line.empty() && line.front() == '#' && line.substr(0, 6) != "#close";
}

bool is_gz(const std::string& path) {
  return path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
}

class FileSource final : public Source {
 public:
  FileSource(const SourceConfig& config, Pipeline& pipeline, std::string state_file,
             const SourceCounters& counters)
      : config_(config),
        pipeline_(pipeline),
        state_file_(std::move(state_file)),
        batch_(config.decoder, config.batch_lines) {
    stats_.exported = counters;
    load_state();
    thread_ = std::thread([this] { run(); });
  }
  ~FileSource() override { stop(); }

  const std::string& name() const override { return config_.name; }
  const SourceStats& stats() const override { return stats_; }

  void stop() override {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    for (auto& [key, t] : files_) {
      if (t.file) std::fclose(t.file);
    }
    files_.clear();
  }

 private:
  void run() {
    bool first = true;
    while (true) {
      scan(first);
      first = false;
      for (auto& [key, t] : files_) read_file(key, t);
      forget_finished();
      std::unique_lock lock(mutex_);
      if (stopping_) break;
      wake_.wait_for(lock, std::chrono::milliseconds(config_.poll_interval_ms),
                     [this] { return stopping_; });
      if (stopping_) break;
    }
  }

  std::vector<std::string> expand() const {
    std::vector<std::string> out;
    for (const auto& pattern : config_.paths) {
      glob_t g{};
      if (::glob(pattern.c_str(), 0, nullptr, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
      }
      globfree(&g);
    }
    return out;
  }

  // New files are opened; files whose path now names another inode are
  // marked gone (read to their end, then closed).
  void scan(bool first) {
    std::set<FileKey> seen;
    for (const auto& path : expand()) {
      struct stat st {};
      if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      const FileKey key{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
      seen.insert(key);
      auto it = files_.find(key);
      if (it != files_.end()) {
        it->second.path = path;  // a renamed file keeps its position
        it->second.gone = false;
        continue;
      }
      Tracked t;
      t.path = path;
      if (auto saved = saved_.find(key); saved != saved_.end()) {
        t.offset = saved->second;  // a restart resumes where the pipeline had taken it
        if (is_gz(path)) t.gz_done = true;
      } else if (first && config_.start_at_end && !is_gz(path)) {
        t.offset = static_cast<uint64_t>(st.st_size);
      }
      t.read_to = t.offset;
      files_.emplace(key, std::move(t));
    }
    for (auto& [key, t] : files_) {
      if (!seen.count(key)) t.gone = true;
    }
  }

  void forget_finished() {
    for (auto it = files_.begin(); it != files_.end();) {
      if (it->second.gone && it->second.partial.empty() &&
          it->second.read_to == it->second.offset && drained_.count(it->first)) {
        if (it->second.file) std::fclose(it->second.file);
        saved_.erase(it->first);  // never resume a recycled inode at a stale position
        it = files_.erase(it);
      } else {
        ++it;
      }
    }
    drained_.clear();
  }

  void read_file(const FileKey& key, Tracked& t) {
    if (is_gz(t.path)) return read_gz(key, t);
    if (t.file == nullptr) {
      t.file = std::fopen(t.path.c_str(), "rb");
      if (t.file == nullptr) return;
      // The path may already name another file than the key: check.
      struct stat st {};
      if (::fstat(fileno(t.file), &st) != 0 || static_cast<uint64_t>(st.st_ino) != key.ino) {
        std::fclose(t.file);
        t.file = nullptr;
        return;
      }
    }
    struct stat st {};
    if (::fstat(fileno(t.file), &st) == 0 && static_cast<uint64_t>(st.st_size) < t.read_to) {
      spdlog::info("source {}: {} was truncated; reading it from the start", config_.name, t.path);
      t.offset = t.read_to = 0;
      t.partial.clear();
      t.header.clear();
      save_state();
    }
    if (keeps_header_ && t.header.empty() && t.read_to > 0) reread_header(t);
    std::fseek(t.file, static_cast<long>(t.read_to), SEEK_SET);
    std::string buf(kReadBytes, '\0');
    bool grew = false;
    while (true) {
      const size_t n = std::fread(buf.data(), 1, buf.size(), t.file);
      if (n == 0) break;
      grew = true;
      t.read_to += n;
      consume(key, t, std::string_view(buf.data(), n));
      if (n < buf.size()) break;
    }
    std::clearerr(t.file);
    if (grew) {
      t.quiet_polls = 0;
    } else if (!t.partial.empty() && ++t.quiet_polls >= kQuietPollsForPartialLine) {
      emit(t, t.partial);  // the writer is done with its last line
      t.partial.clear();
    }
    flush(key, t);
    if (!grew && t.gone) drained_.insert(key);
  }

  void read_gz(const FileKey& key, Tracked& t) {
    if (t.gz_done) {
      drained_.insert(key);
      return;
    }
    gzFile gz = gzopen(t.path.c_str(), "rb");
    if (gz == nullptr) return;
    std::string buf(kReadBytes, '\0');
    int n;
    while ((n = gzread(gz, buf.data(), static_cast<unsigned>(buf.size()))) > 0) {
      consume(key, t, std::string_view(buf.data(), static_cast<size_t>(n)));
    }
    if (auto error = log_read_error(gz, t.path)) {
      spdlog::warn("source {}: {} (the lines before it are kept)", config_.name, error->message);
    }
    gzclose(gz);
    if (!t.partial.empty()) emit(t, t.partial);
    t.partial.clear();
    struct stat st {};
    t.read_to = ::stat(t.path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 1;
    t.gz_done = true;
    flush(key, t);
  }

  void consume(const FileKey& key, Tracked& t, std::string_view data) {
    size_t pos = 0;
    while (pos < data.size()) {
      const size_t nl = data.find('\n', pos);
      if (nl == std::string_view::npos) {
        t.partial.append(data.substr(pos));
        if (t.partial.size() > kMaxLineBytes) {  // a line without end: hand over what we have
          emit(t, t.partial);
          t.partial.clear();
          stats_.add_truncated();
        }
        break;
      }
      if (t.partial.empty()) {
        emit(t, data.substr(pos, nl - pos));
      } else {
        t.partial.append(data.substr(pos, nl - pos));
        emit(t, t.partial);
        t.partial.clear();
      }
      pos = nl + 1;
      if (batch_.full()) flush(key, t);
    }
  }

  void emit(Tracked& t, std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const bool header_line = keeps_header_ && is_zeek_header(line);
    if (header_line) {
      if (line.substr(0, 10) == "#separator") t.header.clear();  // a new header block
      t.header.emplace_back(line);
    }
    if (batch_.empty()) {
      batch_first_line_ = t.line_no + 1;
      batch_header_lines_ = 0;
      if (!header_line && !t.header.empty()) {
        // Numbered as if they stood right before the batch's first row.
        for (const auto& h : t.header) batch_.add(h);
        batch_header_lines_ = t.header.size();
        batch_first_line_ =
            batch_first_line_ > batch_header_lines_ ? batch_first_line_ - batch_header_lines_ : 1;
      }
    }
    ++t.line_no;
    batch_.add(line);
  }

  // After a restart in the middle of a Zeek TSV file: its leading `#` lines.
  void reread_header(Tracked& t) {
    std::ifstream in(t.path, std::ios::binary);
    uint64_t at = 0;
    for (std::string line; at < t.read_to && std::getline(in, line);) {
      at += line.size() + 1;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!is_zeek_header(line)) break;
      t.header.push_back(std::move(line));
    }
  }

  // Hands the batch to the pipeline, waits until it is taken, then commits
  // the position (what was read, minus an incomplete last line).
  void flush(const FileKey& key, Tracked& t) {
    if (!batch_.empty()) {
      const size_t n = batch_.lines() - batch_header_lines_;
      auto ticket = pipeline_.submit(batch_.take(batch_first_line_), SubmitMode::kBlock);
      if (!ticket) {
        spdlog::error("source {}: {}: {}", config_.name, t.path, ticket.error().message);
        return;  // position not committed: a restart reads these lines again
      }
      const BatchOutcome& outcome = (*ticket)->wait();
      if (outcome.failure) {
        spdlog::error("source {}: {}: not stored: {}", config_.name, t.path,
                      outcome.failure->message);
        return;
      }
      stats_.add_lines(n);
    }
    const uint64_t committed = t.read_to - t.partial.size();
    if (committed != t.offset) {
      t.offset = committed;
      saved_[key] = committed;
      save_state();
    }
  }

  void load_state() {
    std::ifstream in(state_file_);
    uint64_t dev, ino, offset;
    while (in >> dev >> ino >> offset) {
      std::string path;
      std::getline(in, path);
      saved_[FileKey{dev, ino}] = offset;
    }
  }

  // Written to a temporary file and renamed: a crash leaves the old or the new state.
  void save_state() {
    const std::string tmp = state_file_ + ".tmp";
    {
      std::ofstream out(tmp, std::ios::trunc);
      for (const auto& [key, t] : files_) {
        out << key.dev << ' ' << key.ino << ' ' << t.offset << ' ' << t.path << '\n';
      }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, state_file_, ec);
    if (ec) spdlog::warn("source {}: cannot save {}: {}", config_.name, state_file_, ec.message());
  }

  const SourceConfig config_;
  Pipeline& pipeline_;
  const std::string state_file_;
  LineBatch batch_;
  size_t batch_first_line_ = 1;
  size_t batch_header_lines_ = 0;  // repeated header lines at the batch's start
  const bool keeps_header_ = config_.decoder == "zeek";
  std::map<FileKey, Tracked> files_;
  std::map<FileKey, uint64_t> saved_;
  std::set<FileKey> drained_;
  SourceStats stats_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace

Result<std::unique_ptr<Source>> start_file_source(const SourceConfig& config, Pipeline& pipeline,
                                                  const std::string& state_dir,
                                                  const SourceCounters& counters) {
  std::error_code ec;
  std::filesystem::create_directories(state_dir, ec);
  if (ec) {
    return make_error(ErrorCode::kIo, fmt::format("source {}: cannot create {}: {}", config.name,
                                                  state_dir, ec.message()));
  }
  return std::unique_ptr<Source>(
      new FileSource(config, pipeline, state_dir + "/" + config.name + ".positions", counters));
}

}  // namespace vigil
