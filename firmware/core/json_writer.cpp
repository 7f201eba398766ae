#include "json_writer.h"

namespace yaguts {

int formatUnsigned(uint64_t v, char* out) {
  char reversed[20];
  int n = 0;
  do {
    reversed[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  for (int i = 0; i < n; ++i) out[i] = reversed[n - 1 - i];
  return n;
}

JsonWriter::JsonWriter(char* buffer, size_t capacity) : buffer_(buffer), capacity_(capacity) {
  if (capacity_ == 0) {
    overflow_ = true;
  } else {
    buffer_[0] = '\0';
  }
}

void JsonWriter::raw(char c) {
  if (overflow_) return;
  if (length_ + 1 >= capacity_) {
    overflow_ = true;
    return;
  }
  buffer_[length_++] = c;
  buffer_[length_] = '\0';
}

void JsonWriter::raw(const char* s) {
  while (*s != '\0') raw(*s++);
}

void JsonWriter::separate() {
  if (afterKey_) {
    afterKey_ = false;
    return;
  }
  if (needComma_[depth_]) raw(',');
  needComma_[depth_] = true;
}

void JsonWriter::open(char c) {
  separate();
  raw(c);
  if (depth_ == kMaxDepth) {
    overflow_ = true;
    return;
  }
  needComma_[++depth_] = false;
}

void JsonWriter::close(char c) {
  if (depth_ == 0) {
    overflow_ = true;
    return;
  }
  --depth_;
  raw(c);
}

void JsonWriter::beginObject() { open('{'); }
void JsonWriter::endObject() { close('}'); }
void JsonWriter::beginArray() { open('['); }
void JsonWriter::endArray() { close(']'); }

void JsonWriter::key(const char* name) {
  string(name);
  raw(':');
  afterKey_ = true;
}

void JsonWriter::string(const char* value) {
  separate();
  raw('"');
  static const char kHex[] = "0123456789abcdef";
  for (const char* p = value; *p != '\0'; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    switch (c) {
      case '"': raw("\\\""); break;
      case '\\': raw("\\\\"); break;
      case '\n': raw("\\n"); break;
      case '\r': raw("\\r"); break;
      case '\t': raw("\\t"); break;
      default:
        if (c < 0x20) {
          raw("\\u00");
          raw(kHex[c >> 4]);
          raw(kHex[c & 15]);
        } else {
          raw(static_cast<char>(c));
        }
    }
  }
  raw('"');
}

void JsonWriter::integer(int64_t value) {
  separate();
  char digits[21];
  uint64_t magnitude;
  if (value < 0) {
    raw('-');
    magnitude = static_cast<uint64_t>(-(value + 1)) + 1;  // no overflow at INT64_MIN
  } else {
    magnitude = static_cast<uint64_t>(value);
  }
  const int n = formatUnsigned(magnitude, digits);
  for (int i = 0; i < n; ++i) raw(digits[i]);
}

void JsonWriter::unsignedInteger(uint64_t value) {
  separate();
  char digits[21];
  const int n = formatUnsigned(value, digits);
  for (int i = 0; i < n; ++i) raw(digits[i]);
}

void JsonWriter::boolean(bool value) {
  separate();
  raw(value ? "true" : "false");
}

void JsonWriter::null() {
  separate();
  raw("null");
}

}  // namespace yaguts
