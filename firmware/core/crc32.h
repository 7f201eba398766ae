// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), used to tell a whole
// flash record from one torn by a power cut.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace yaguts {

/// Continues a CRC over `data`; start with `crc = 0`. crc32(0, "123456789") == 0xCBF43926.
uint32_t crc32(uint32_t crc, const void* data, size_t length);

}  // namespace yaguts
