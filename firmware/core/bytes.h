// Freestanding replacements for the few <string.h> routines the core needs, so
// the core builds with no C library at all (the xtensa size check has none).
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace yaguts {

void copyBytes(void* dst, const void* src, size_t n);
void fillBytes(void* dst, uint8_t value, size_t n);
bool equalBytes(const void* a, const void* b, size_t n);
size_t cstrLength(const char* s);
/// True when the `n` bytes at `s` spell exactly the NUL-terminated `literal`.
bool spanEquals(const char* s, size_t n, const char* literal);

/// Little-endian encoders; flash records are byte-exact on every platform.
void putU32(uint8_t* p, uint32_t v);
uint32_t getU32(const uint8_t* p);
void putU64(uint8_t* p, uint64_t v);
uint64_t getU64(const uint8_t* p);

/// Wrap-safe comparison of 32-bit millisecond clocks (valid within ±24 days).
inline bool timeReached(uint32_t now, uint32_t deadline) {
  return static_cast<int32_t>(now - deadline) >= 0;
}

}  // namespace yaguts
