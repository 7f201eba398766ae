// Host build of the arduino-esp32 3.x Wi-Fi API the sketch uses (libraries/
// WiFi: WiFiSTA.h, WiFiGeneric.h; libraries/Network: NetworkClient.h, where
// WiFiClient is NetworkClient).
#pragma once
#include "Arduino.h"

typedef enum {
  WL_NO_SHIELD = 255,
  WL_IDLE_STATUS = 0,
  WL_NO_SSID_AVAIL = 1,
  WL_SCAN_COMPLETED = 2,
  WL_CONNECTED = 3,
  WL_CONNECT_FAILED = 4,
  WL_CONNECTION_LOST = 5,
  WL_DISCONNECTED = 6
} wl_status_t;
typedef enum { WIFI_MODE_NULL = 0, WIFI_MODE_STA = 1, WIFI_MODE_AP = 2, WIFI_MODE_APSTA = 3 } wifi_mode_t;
#define WIFI_OFF WIFI_MODE_NULL
#define WIFI_STA WIFI_MODE_STA

/// NetworkClient: a TCP connection. In the host build it replays the body the
/// fake server answered (arduino_fake.h).
class NetworkClient : public Stream {
 public:
  int available() override;
  int read() override;
  int peek() override;
  int read(uint8_t* buf, size_t size);
  size_t write(uint8_t) override;
  using Print::write;
  uint8_t connected();
  void stop();
  // Host fake state: what the current response still has to deliver.
  const char* fakeData = nullptr;
  size_t fakeLength = 0;
  size_t fakePos = 0;
  bool fakeBroken = false;  ///< the connection breaks once the data is out
};
typedef NetworkClient WiFiClient;

class WiFiClass {
 public:
  bool mode(wifi_mode_t m);
  wl_status_t begin(const char* ssid, const char* passphrase = NULL, int32_t channel = 0,
                    const uint8_t* bssid = NULL, bool connect = true);
  bool reconnect();
  bool disconnect(bool wifioff = false, bool eraseap = false, unsigned long timeoutLength = 100);
  static wl_status_t status();
  bool setAutoReconnect(bool autoReconnect);
  int8_t RSSI();
};
extern WiFiClass WiFi;
