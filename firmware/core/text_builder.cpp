#include "text_builder.h"

#include "json_writer.h"

namespace yaguts {

TextBuilder::TextBuilder(char* buffer, size_t capacity) : buffer_(buffer), capacity_(capacity) {
  if (capacity_ > 0) buffer_[0] = '\0';
}

TextBuilder& TextBuilder::text(const char* s, size_t n) {
  for (size_t i = 0; i < n && length_ + 1 < capacity_; ++i) buffer_[length_++] = s[i];
  if (capacity_ > 0) buffer_[length_] = '\0';
  return *this;
}

TextBuilder& TextBuilder::text(const char* s) {
  size_t n = 0;
  while (s[n] != '\0') ++n;
  return text(s, n);
}

TextBuilder& TextBuilder::unsignedNumber(uint64_t v) {
  char digits[21];
  const int n = formatUnsigned(v, digits);
  return text(digits, static_cast<size_t>(n));
}

TextBuilder& TextBuilder::number(int64_t v) {
  if (v < 0) {
    text("-", 1);
    return unsignedNumber(static_cast<uint64_t>(-(v + 1)) + 1);
  }
  return unsignedNumber(static_cast<uint64_t>(v));
}

}  // namespace yaguts
