// The state behind the host build of the Arduino API (fake_arduino.cpp), for
// tests that run the sketch's own binding code: pins, time, NVS, Wi-Fi, an
// HTTP server function, the OTA partitions and the watchdog.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "WiFi.h"
#include "esp_ota_ops.h"

namespace arduino_fake {

struct HttpRequest {
  std::string method;
  std::string url;
  std::map<std::string, std::string> headers;
  std::string body;
  bool tls = false;
  std::string caCert;   ///< what the TLS client was given (empty: none)
  bool insecure = false;
};

struct HttpResponse {
  int status = 200;  ///< <= 0: an HTTPClient error code (connection refused, ...)
  std::map<std::string, std::string> headers;
  std::string body;
  size_t breakAfter = static_cast<size_t>(-1);  ///< the connection breaks after this many body bytes
};

extern std::function<HttpResponse(const HttpRequest&)> server;
extern std::vector<HttpRequest> requests;
extern unsigned long nowMs;
extern uint8_t pinModes[64];
extern uint8_t pinLevels[64];
/// Reads an input pin (default: its level in pinLevels).
extern std::function<int(uint8_t)> readPin;
/// Called by delayMicroseconds/delay (an HX711 simulation clocks on it).
extern std::function<void(uint8_t pin, uint8_t level)> onWrite;
extern std::map<std::string, std::map<std::string, std::vector<uint8_t>>> nvs;
extern wl_status_t wifiStatus;
extern int wifiBegins, wifiReconnects, wifiDisconnects;
extern std::vector<uint8_t> otaImage;
extern bool otaEnded, otaBootSet, otaValidMarked, otaRollback, otaAborted;
extern esp_ota_img_states_t runningState;
extern int watchdogResets;
extern int restarts;

/// Back to a fresh board.
void reset();

}  // namespace arduino_fake
