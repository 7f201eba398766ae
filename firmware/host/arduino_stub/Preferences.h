// Host build of arduino-esp32 3.x Preferences (libraries/Preferences): NVS
// namespaces kept in memory by the fake (arduino_fake.h).
#pragma once
#include "Arduino.h"

class Preferences {
 public:
  bool begin(const char* name, bool readOnly = false, const char* partition_label = NULL);
  void end();
  bool isKey(const char* key);
  size_t getBytesLength(const char* key);
  size_t getBytes(const char* key, void* buf, size_t maxLen);
  size_t putBytes(const char* key, const void* value, size_t len);
  size_t getString(const char* key, char* value, size_t maxLen);
  size_t putString(const char* key, const char* value);

 private:
  const char* namespace_ = nullptr;
  bool readOnly_ = true;
};
