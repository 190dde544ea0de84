// A metric family: one name with its HELP and TYPE lines and all of its
// series. Subclasses own the atomics; the registry only renders them.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace vigil::metrics {

enum class MetricType { kCounter, kGauge, kHistogram };
std::string_view type_name(MetricType t);

class Family {
 public:
  // Throws std::invalid_argument on a malformed name: metric names are
  // constants in vigil's code, so a bad one is a bug to stop at start-up.
  Family(std::string name, std::string help, MetricType type);
  virtual ~Family() = default;
  Family(const Family&) = delete;
  Family& operator=(const Family&) = delete;

  const std::string& name() const { return name_; }
  MetricType type() const { return type_; }
  // HELP, TYPE, then every sample.
  void render(fmt::memory_buffer& out) const;

 protected:
  virtual void render_samples(fmt::memory_buffer& out) const = 0;

 private:
  std::string name_;
  std::string help_;
  MetricType type_;
};

}  // namespace vigil::metrics
