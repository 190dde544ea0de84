// An IPv4 or IPv6 network for the `cidr` modifier.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace vigil::sigma {

class Cidr {
 public:
  static std::optional<Cidr> parse(std::string_view text);  // "10.0.0.0/8", "fe80::/10", "1.2.3.4"
  bool contains(std::string_view ip) const;

 private:
  std::array<uint8_t, 16> net_{};
  int bits_ = 0;
  bool v6_ = false;
};

}  // namespace vigil::sigma
