// A loopback HTTP server on a free port for the feed tests (cpp-httplib, the
// library vigil's API uses): the tests register handlers that play a feed,
// a TAXII server or a JSON API.
#pragma once

#include <fmt/format.h>
#include <httplib.h>

#include <chrono>
#include <string>
#include <thread>

namespace vigil::intel::testing_util {

class FeedServer {
 public:
  FeedServer() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FeedServer() {
    server_.stop();
    thread_.join();
  }
  FeedServer(const FeedServer&) = delete;
  FeedServer& operator=(const FeedServer&) = delete;

  httplib::Server& server() { return server_; }
  std::string base() const { return fmt::format("http://127.0.0.1:{}", port_); }
  std::string url(const std::string& path) const { return base() + path; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace vigil::intel::testing_util
