// Host build of arduino-esp32 3.x HTTPClient (libraries/HTTPClient/src/
// HTTPClient.h): the calls the sketch makes, with their real signatures.
#pragma once
#include "Arduino.h"
#include "WiFi.h"
#include "WiFiClientSecure.h"

#define HTTPC_ERROR_CONNECTION_REFUSED (-1)
#define HTTPC_ERROR_CONNECTION_LOST (-5)
#define HTTPC_ERROR_READ_TIMEOUT (-11)

class HTTPClient {
 public:
  HTTPClient();
  ~HTTPClient();
  bool begin(NetworkClient& client, String url);
  void end(void);
  void setReuse(bool reuse);
  void setConnectTimeout(int32_t connectTimeout);
  void setTimeout(uint16_t timeout);
  void useHTTP10(bool usehttp10 = true);
  int GET();
  int POST(uint8_t* payload, size_t size);
  void addHeader(const String& name, const String& value, bool first = false, bool replace = true);
  void collectHeaders(const char* headerKeys[], const size_t headerKeysCount);
  String header(const char* name);
  int getSize(void);
  NetworkClient* getStreamPtr(void);

 private:
  int send(const char* method, const uint8_t* payload, size_t size);
  struct State;
  State* state_;
};
