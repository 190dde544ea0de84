#include <spdlog/spdlog.h>

#include "alert/outputs/deliveries.h"

namespace vigil {

bool LogDelivery::deliver(const AlertMessage& message) {
  if (message.severity >= Severity::kHigh) {
    spdlog::warn("{}", message.summary);
  } else {
    spdlog::info("{}", message.summary);
  }
  return true;
}

bool StreamDelivery::deliver(const AlertMessage& message) {
  const bool ok =
      std::fwrite(message.json.data(), 1, message.json.size(), stream_) == message.json.size() &&
      std::fputc('\n', stream_) != EOF;
  return std::fflush(stream_) == 0 && ok;
}

}  // namespace vigil
