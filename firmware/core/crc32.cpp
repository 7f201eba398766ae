#include "crc32.h"

namespace yaguts {

// Bitwise rather than table-driven: records are small and written a few times
// per job, so 1 KiB of table in flash buys nothing.
uint32_t crc32(uint32_t crc, const void* data, size_t length) {
  const auto* p = static_cast<const uint8_t*>(data);
  crc = ~crc;
  for (size_t i = 0; i < length; ++i) {
    crc ^= p[i];
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
  }
  return ~crc;
}

}  // namespace yaguts
