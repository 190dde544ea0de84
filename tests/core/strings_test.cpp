// The shared string helpers against the C library's reading of the same text.
#include "core/strings.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace vigil {
namespace {

// Every byte's hex digit value, as strtol reads a one-character base-16
// number (a byte it cannot read is no hex digit).
TEST(HexDigitValue, AgreesWithStrtolOnEveryByte) {
  int digits = 0;
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    const std::string text(1, c);
    char* end = nullptr;
    const long value = std::strtol(text.c_str(), &end, 16);
    const bool read = end == text.c_str() + 1;
    EXPECT_EQ(hex_digit_value(c), read ? static_cast<int>(value) : -1) << "byte " << b;
    digits += read;
  }
  EXPECT_EQ(digits, 22);  // 0-9, a-f, A-F
}

}  // namespace
}  // namespace vigil
