// Compile-only stub of the ESP32 WiFi API used by the sketch.
#pragma once
#include "Arduino.h"

typedef enum { WL_IDLE_STATUS = 0, WL_CONNECTED = 3, WL_DISCONNECTED = 6 } wl_status_t;
typedef enum { WIFI_OFF = 0, WIFI_STA = 1 } wifi_mode_t;

class WiFiClient : public Stream {
 public:
  int available() override;
  int read() override;
  uint8_t connected();
};

class WiFiClass {
 public:
  bool mode(wifi_mode_t mode);
  wl_status_t begin(const char* ssid, const char* passphrase);
  wl_status_t status();
  bool disconnect(bool wifioff = false);
  bool setAutoReconnect(bool enabled);
  int8_t RSSI();
};
extern WiFiClass WiFi;
