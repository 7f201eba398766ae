#include "encoding.h"

namespace yaguts {

namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

bool decodeHex(const char* text, size_t length, uint8_t* out, size_t outLength) {
  if (length != outLength * 2) return false;
  for (size_t i = 0; i < outLength; ++i) {
    const int hi = hexValue(text[2 * i]);
    const int lo = hexValue(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return true;
}

size_t decodeBase64(const char* text, size_t length, uint8_t* out, size_t capacity) {
  if (length == 0 || length % 4 != 0) return 0;
  size_t written = 0;
  for (size_t i = 0; i < length; i += 4) {
    const bool last = i + 4 == length;
    uint32_t group = 0;
    size_t bytes = 3;
    for (size_t k = 0; k < 4; ++k) {
      const char c = text[i + k];
      if (c == '=' && last && k >= 2) {
        // Padding only at the very end: "xx==" or "xxx=".
        if (k == 2 && text[i + 3] != '=') return 0;
        bytes = k == 2 ? 1 : (bytes == 1 ? 1 : 2);
        group <<= 6;
        continue;
      }
      const int v = base64Value(c);
      if (v < 0 || bytes < 3) return 0;
      group = group << 6 | static_cast<uint32_t>(v);
    }
    if (written + bytes > capacity) return 0;
    out[written++] = static_cast<uint8_t>(group >> 16);
    if (bytes > 1) out[written++] = static_cast<uint8_t>(group >> 8);
    if (bytes > 2) out[written++] = static_cast<uint8_t>(group);
  }
  return written;
}

}  // namespace yaguts
