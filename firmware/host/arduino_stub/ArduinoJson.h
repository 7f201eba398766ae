// Compile-only stub of the ArduinoJson 6.19+ API the sketch uses
// (StaticJsonDocument, deserializeJson, operator[] with a `|` default).
#pragma once
#include "Arduino.h"

class JsonVariantConst {
 public:
  const char* operator|(const char* fallback) const;
};

class JsonDocument {
 public:
  JsonVariantConst operator[](const char* key) const;
};

template <size_t Capacity>
class StaticJsonDocument : public JsonDocument {};

class DeserializationError {
 public:
  explicit operator bool() const;
  const char* c_str() const;
};

DeserializationError deserializeJson(JsonDocument& doc, const char* input);
