// A pull reader over a JSON text in a caller-owned buffer: no heap, no
// recursion, no copies. The caller walks the structure it expects and skips
// the rest; any syntax error is sticky and makes every later call fail.
//
//   JsonReader r(body, n);
//   JsonSpan name;
//   if (r.beginObject()) while (r.nextMember(&name)) { if (name == "id") r.readInt(&id); else r.skipValue(); }
//   if (r.failed()) ...
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace yaguts {

/// Raw bytes between the quotes of a JSON string (escapes left as written).
struct JsonSpan {
  const char* data = nullptr;
  size_t length = 0;
  /// Compares with a literal that contains no characters JSON would escape.
  bool operator==(const char* literal) const;
};

class JsonReader {
 public:
  JsonReader(const char* text, size_t length);

  /// Consumes '{' and enters the object.
  bool beginObject();
  /// Reads the next member name and its ':'; false at '}' (consumed) or on error.
  bool nextMember(JsonSpan* name);
  /// Consumes '[' and enters the array.
  bool beginArray();
  /// True if another element follows (its value is next); false at ']' (consumed) or on error.
  bool nextElement();

  /// An integer without fraction or exponent, within int64.
  bool readInt(int64_t* value);
  bool readString(JsonSpan* value);
  /// `true` or `false`; anything else is an error.
  bool readBool(bool* value);
  /// Consumes `null` and returns true if it is next; otherwise consumes nothing.
  bool readNull();
  /// Skips one value of any type, nested containers included (up to 31 levels).
  bool skipValue();

  /// True after a syntax error.
  bool failed() const { return failed_; }
  /// True once a whole top-level value was read and only whitespace remains.
  bool finished();

 private:
  static constexpr int kMaxDepth = 31;
  bool fail();
  void skipSpace();
  bool peek(char* c);
  bool expect(char c);
  bool enter(char open);
  bool separator(char close);
  bool scanString(JsonSpan* value);
  bool scanLiteral(const char* word);
  bool scanNumber();

  const char* text_;
  size_t length_;
  size_t pos_ = 0;
  bool failed_ = false;
  int depth_ = 0;
  uint32_t first_ = 0;    ///< bit d: container at depth d has had no element yet
  uint32_t objects_ = 0;  ///< bit d: container at depth d is an object
};

}  // namespace yaguts
