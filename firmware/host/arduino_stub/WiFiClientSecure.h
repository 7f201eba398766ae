// Host build of arduino-esp32 3.x NetworkClientSecure (WiFiClientSecure is a
// typedef of it): the TLS settings the sketch uses.
#pragma once
#include "WiFi.h"

class NetworkClientSecure : public NetworkClient {
 public:
  void setInsecure();
  void setCACert(const char* rootCA);
  // Host fake state.
  const char* fakeCaCert = nullptr;
  bool fakeInsecure = false;
};
typedef NetworkClientSecure WiFiClientSecure;
