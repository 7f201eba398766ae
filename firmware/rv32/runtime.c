/* The runtime functions the RV32IMC build of the core needs and that a
 * -ffreestanding, -nostdlib link does not supply: what the compiler emits
 * calls to (memcpy/memset for struct copies, 64-bit division on a 32-bit
 * core) and the C++ ABI's pure-virtual trap. On the ESP32 these come from
 * newlib, libgcc and libstdc++. */
#include <stddef.h>
#include <stdint.h>

void* memcpy(void* dst, const void* src, size_t n) {
  unsigned char* d = dst;
  const unsigned char* s = src;
  while (n--) *d++ = *s++;
  return dst;
}

void* memset(void* dst, int value, size_t n) {
  unsigned char* d = dst;
  while (n--) *d++ = (unsigned char)value;
  return dst;
}

void* memmove(void* dst, const void* src, size_t n) {
  unsigned char* d = dst;
  const unsigned char* s = src;
  if (d < s) {
    while (n--) *d++ = *s++;
  } else {
    while (n--) d[n] = s[n];
  }
  return dst;
}

int memcmp(const void* a, const void* b, size_t n) {
  const unsigned char* x = a;
  const unsigned char* y = b;
  for (; n; --n, ++x, ++y) {
    if (*x != *y) return *x < *y ? -1 : 1;
  }
  return 0;
}

/* Shift-subtract division: slow and small, like libgcc's on a core without
 * 64-bit divide. */
static uint64_t divmod64(uint64_t n, uint64_t d, uint64_t* rem) {
  uint64_t q = 0, r = 0;
  if (d == 0) {
    *rem = n;
    return ~(uint64_t)0;
  }
  for (int i = 63; i >= 0; --i) {
    r = r << 1 | (n >> i & 1);
    if (r >= d) {
      r -= d;
      q |= (uint64_t)1 << i;
    }
  }
  *rem = r;
  return q;
}

uint64_t __udivdi3(uint64_t n, uint64_t d) {
  uint64_t r;
  return divmod64(n, d, &r);
}

uint64_t __umoddi3(uint64_t n, uint64_t d) {
  uint64_t r;
  divmod64(n, d, &r);
  return r;
}

int64_t __divdi3(int64_t n, int64_t d) {
  const int negative = (n < 0) != (d < 0);
  uint64_t r;
  const uint64_t q = divmod64(n < 0 ? -(uint64_t)n : (uint64_t)n, d < 0 ? -(uint64_t)d : (uint64_t)d, &r);
  return negative ? -(int64_t)q : (int64_t)q;
}

int64_t __moddi3(int64_t n, int64_t d) {
  uint64_t r;
  divmod64(n < 0 ? -(uint64_t)n : (uint64_t)n, d < 0 ? -(uint64_t)d : (uint64_t)d, &r);
  return n < 0 ? -(int64_t)r : (int64_t)r;
}

/* A call through a pure virtual function: a bug; stop here. */
void __cxa_pure_virtual(void) {
  for (;;) {
  }
}
