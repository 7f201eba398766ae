// Text encodings the device reads from the server: hex (the image's SHA-256)
// and base64 (its DER signature). Strict: anything malformed is refused.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace yaguts {

/// Decodes exactly `outLength` bytes from 2 × outLength hex digits (either case).
bool decodeHex(const char* text, size_t length, uint8_t* out, size_t outLength);

/// Decodes standard base64 with padding. Returns the byte count, or 0 if the
/// text is malformed or does not fit `capacity`.
size_t decodeBase64(const char* text, size_t length, uint8_t* out, size_t capacity);

}  // namespace yaguts
