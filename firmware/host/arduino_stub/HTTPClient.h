// Compile-only stub of the ESP32 HTTPClient API used by the sketch.
#pragma once
#include "Arduino.h"
#include "WiFi.h"

#define HTTPC_ERROR_CONNECTION_REFUSED (-1)
#define HTTPC_ERROR_READ_TIMEOUT (-11)

class HTTPClient {
 public:
  bool begin(const char* url);
  void end();
  void useHTTP10(bool usehttp10 = true);
  void setReuse(bool reuse);
  void setTimeout(uint16_t timeout);
  void setConnectTimeout(int32_t connectTimeout);
  void addHeader(const char* name, const char* value);
  int GET();
  int POST(uint8_t* payload, size_t size);
  int getSize();
  WiFiClient* getStreamPtr();
};
