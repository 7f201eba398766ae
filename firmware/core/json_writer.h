// Writes compact JSON into a caller-owned fixed buffer. Commas are placed
// automatically; an overflow is sticky and reported by ok(), so callers write
// everything and check once.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace yaguts {

/// Writes the decimal digits of `v` (at most 20) to `out`; returns the count.
int formatUnsigned(uint64_t v, char* out);

class JsonWriter {
 public:
  /// `buffer` must outlive the writer; the output is always NUL-terminated.
  JsonWriter(char* buffer, size_t capacity);

  void beginObject();
  void endObject();
  void beginArray();
  void endArray();
  /// Writes a member name inside an object; the next call writes its value.
  void key(const char* name);
  void string(const char* value);
  void integer(int64_t value);
  void unsignedInteger(uint64_t value);
  void boolean(bool value);
  void null();

  bool ok() const { return !overflow_ && depth_ == 0; }
  size_t length() const { return length_; }
  const char* data() const { return buffer_; }

 private:
  static constexpr int kMaxDepth = 16;
  void separate();
  void raw(char c);
  void raw(const char* s);
  void open(char c);
  void close(char c);

  char* buffer_;
  size_t capacity_;
  size_t length_ = 0;
  bool overflow_ = false;
  int depth_ = 0;
  bool needComma_[kMaxDepth + 1] = {};
  bool afterKey_ = false;
};

}  // namespace yaguts
