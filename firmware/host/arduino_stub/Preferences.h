// Compile-only stub of the ESP32 Preferences (NVS) API used by the sketch.
#pragma once
#include "Arduino.h"

class Preferences {
 public:
  bool begin(const char* name, bool readOnly = false);
  void end();
  bool isKey(const char* key);
  size_t getBytesLength(const char* key);
  size_t getBytes(const char* key, void* buf, size_t maxLen);
  size_t putBytes(const char* key, const void* value, size_t len);
  size_t getString(const char* key, char* value, size_t maxLen);
  size_t putString(const char* key, const char* value);
};
