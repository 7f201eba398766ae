// Builds NUL-terminated text in a fixed buffer, truncating silently: log
// lines without printf (the core links against no C library).
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace yaguts {

/// Appends text and numbers to a fixed buffer: log lines without printf.
class TextBuilder {
 public:
  TextBuilder(char* buffer, size_t capacity);
  TextBuilder& text(const char* s);
  TextBuilder& text(const char* s, size_t n);
  TextBuilder& number(int64_t v);
  TextBuilder& unsignedNumber(uint64_t v);
  const char* c_str() const { return buffer_; }
  size_t length() const { return length_; }

 private:
  char* buffer_;
  size_t capacity_;
  size_t length_ = 0;
};

}  // namespace yaguts
