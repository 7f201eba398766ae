#include "json_reader.h"

#include "bytes.h"

namespace yaguts {

bool JsonSpan::operator==(const char* literal) const {
  return data != nullptr && spanEquals(data, length, literal);
}

JsonReader::JsonReader(const char* text, size_t length) : text_(text), length_(length) {}

bool JsonReader::fail() {
  failed_ = true;
  return false;
}

void JsonReader::skipSpace() {
  while (pos_ < length_) {
    const char c = text_[pos_];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
    ++pos_;
  }
}

bool JsonReader::peek(char* c) {
  if (failed_) return false;
  skipSpace();
  if (pos_ >= length_) return fail();
  *c = text_[pos_];
  return true;
}

bool JsonReader::expect(char c) {
  char next;
  if (!peek(&next) || next != c) return fail();
  ++pos_;
  return true;
}

bool JsonReader::enter(char open) {
  if (depth_ >= kMaxDepth) return fail();
  if (!expect(open)) return false;
  ++depth_;
  first_ |= (1u << depth_);
  if (open == '{') {
    objects_ |= (1u << depth_);
  } else {
    objects_ &= ~(1u << depth_);
  }
  return true;
}

bool JsonReader::separator(char close) {
  char c;
  if (depth_ == 0 || !peek(&c)) return fail();
  const uint32_t bit = 1u << depth_;
  if (c == close) {
    ++pos_;
    first_ &= ~bit;
    --depth_;
    return false;
  }
  if ((first_ & bit) != 0) {
    first_ &= ~bit;
    return true;
  }
  if (c != ',') return fail();
  ++pos_;
  // A trailing comma ("[1,]") is a syntax error.
  if (!peek(&c) || c == close) return fail();
  return true;
}

bool JsonReader::beginObject() { return enter('{'); }
bool JsonReader::beginArray() { return enter('['); }

bool JsonReader::nextMember(JsonSpan* name) {
  if (!separator('}')) return false;
  if (!scanString(name)) return false;
  return expect(':');
}

bool JsonReader::nextElement() { return separator(']'); }

bool JsonReader::scanString(JsonSpan* value) {
  if (!expect('"')) return false;
  const size_t start = pos_;
  while (pos_ < length_) {
    const auto c = static_cast<unsigned char>(text_[pos_]);
    if (c == '"') {
      value->data = text_ + start;
      value->length = pos_ - start;
      ++pos_;
      return true;
    }
    if (c < 0x20) return fail();
    if (c == '\\') {
      if (++pos_ >= length_) return fail();
      const char e = text_[pos_];
      if (e == 'u') {
        for (int i = 0; i < 4; ++i) {
          if (++pos_ >= length_) return fail();
          const char h = text_[pos_];
          const bool hex = (h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F');
          if (!hex) return fail();
        }
      } else if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' &&
                 e != 'r' && e != 't') {
        return fail();
      }
    }
    ++pos_;
  }
  return fail();
}

bool JsonReader::readString(JsonSpan* value) { return !failed_ && scanString(value); }

bool JsonReader::readInt(int64_t* value) {
  char c;
  if (!peek(&c)) return false;
  bool negative = false;
  if (c == '-') {
    negative = true;
    ++pos_;
  }
  if (pos_ >= length_ || text_[pos_] < '0' || text_[pos_] > '9') return fail();
  if (text_[pos_] == '0' && pos_ + 1 < length_ && text_[pos_ + 1] >= '0' && text_[pos_ + 1] <= '9') {
    return fail();  // leading zero
  }
  // Accumulate as negative: INT64_MIN has no positive counterpart.
  int64_t acc = 0;
  const int64_t limit = INT64_MIN;
  while (pos_ < length_ && text_[pos_] >= '0' && text_[pos_] <= '9') {
    const int digit = text_[pos_] - '0';
    if (acc < (limit + digit) / 10) return fail();
    acc = acc * 10 - digit;
    ++pos_;
  }
  if (pos_ < length_ && (text_[pos_] == '.' || text_[pos_] == 'e' || text_[pos_] == 'E')) {
    return fail();  // quantities and ids are integers
  }
  if (!negative) {
    if (acc == INT64_MIN) return fail();
    acc = -acc;
  }
  *value = acc;
  return true;
}

bool JsonReader::readBool(bool* value) {
  char c;
  if (!peek(&c)) return false;
  if (c != 't' && c != 'f') return fail();
  *value = c == 't';
  return scanLiteral(*value ? "true" : "false");
}

bool JsonReader::readNull() {
  char c;
  if (!peek(&c) || c != 'n') return false;
  return scanLiteral("null");
}

bool JsonReader::scanLiteral(const char* word) {
  for (const char* w = word; *w != '\0'; ++w) {
    if (pos_ >= length_ || text_[pos_] != *w) return fail();
    ++pos_;
  }
  return true;
}

bool JsonReader::scanNumber() {
  const size_t start = pos_;
  if (pos_ < length_ && text_[pos_] == '-') ++pos_;
  size_t digits = 0;
  const size_t first = pos_;
  while (pos_ < length_ && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_, ++digits;
  if (digits == 0 || (digits > 1 && text_[first] == '0')) return fail();
  if (pos_ < length_ && text_[pos_] == '.') {
    ++pos_;
    digits = 0;
    while (pos_ < length_ && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_, ++digits;
    if (digits == 0) return fail();
  }
  if (pos_ < length_ && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
    ++pos_;
    if (pos_ < length_ && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
    digits = 0;
    while (pos_ < length_ && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_, ++digits;
    if (digits == 0) return fail();
  }
  return pos_ > start;
}

bool JsonReader::skipValue() {
  // Iterative: nested containers are walked with the reader's own depth
  // stack, so hostile input cannot exhaust the device's call stack.
  const int base = depth_;
  JsonSpan ignored;
  for (;;) {
    char c;
    if (!peek(&c)) return false;
    bool opened = false;
    if (c == '{') {
      if (!beginObject()) return false;
      opened = nextMember(&ignored);
    } else if (c == '[') {
      if (!beginArray()) return false;
      opened = nextElement();
    } else if (c == '"') {
      if (!scanString(&ignored)) return false;
    } else if (c == 't') {
      if (!scanLiteral("true")) return false;
    } else if (c == 'f') {
      if (!scanLiteral("false")) return false;
    } else if (c == 'n') {
      if (!scanLiteral("null")) return false;
    } else if (!scanNumber()) {
      return false;
    }
    if (failed_) return false;
    if (opened) continue;  // the first value inside the new container is next
    // A value ended: move on in the enclosing containers until one has
    // another value, or we are back where we started.
    bool more = false;
    while (!more && depth_ > base) {
      more = (objects_ & (1u << depth_)) != 0 ? nextMember(&ignored) : nextElement();
      if (failed_) return false;
    }
    if (!more) return true;
  }
}

bool JsonReader::finished() {
  if (failed_ || depth_ != 0) return false;
  skipSpace();
  return pos_ == length_;
}

}  // namespace yaguts
