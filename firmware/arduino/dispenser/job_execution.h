// Hardware and network bindings for the ESP32: GPIO actuators (with an
// optional feedback input per pump), millis() clock, Wi-Fi status, and
// HTTPClient (plain or TLS with a provisioned root CA) as the core's HttpClient.
#pragma once
#include <Arduino.h>
#include <HTTPClient.h>
#include <WiFiClientSecure.h>

#include "provisioning.h"
#include "src/core/dispensing.h"
#include "src/core/platform.h"

namespace yaguts_arduino {

/// One output pin per frasco (motor driver enable), active high. A frasco
/// with a feedback pin (the driver's "running" or current-sense comparator
/// output, high while the motor draws current) is checked after each switch;
/// a mismatch is a hardware fault. Without one the device makes no claim.
class GpioActuator final : public yaguts::Actuator {
 public:
  static constexpr uint32_t kFeedbackSettleMs = 20;
  explicit GpioActuator(const Settings& settings) : settings_(settings) {}
  void begin();
  bool set(uint8_t frasco, bool on) override;

 private:
  const Settings& settings_;
};

class ArduinoClock final : public yaguts::Clock {
 public:
  uint32_t nowMs() override { return millis(); }
  void sleepMs(uint32_t ms) override;  ///< delay() in slices that feed the watchdog
};

class ArduinoStatus final : public yaguts::DeviceStatus {
 public:
  bool wifiConnected() override;
  bool rssi(int32_t* dbm) override;
  bool freeHeap(uint32_t* bytes) override;
};

/// HttpClient over the ESP32 HTTPClient. HTTP/1.0 is requested so the body
/// is never chunked and can be streamed straight into the caller's buffer
/// (no String on the heap). https:// verifies the server against the
/// provisioned root CA (WiFiClientSecure::setCACert); without one it is
/// refused unless provisioning said "insecure_tls": true.
class ArduinoHttp final : public yaguts::HttpClient {
 public:
  /// `settings` must outlive this object. False if the URL cannot be used.
  bool configure(const Settings& settings);
  yaguts::HttpResult request(yaguts::HttpMethod method, const char* path, const char* body,
                             size_t bodyLength, char* response, size_t capacity,
                             uint32_t timeoutMs) override;
  yaguts::HttpResult download(const char* path, uint32_t from, yaguts::DownloadSink& sink,
                              uint32_t timeoutMs) override;

 private:
  /// Opens `path` on the server with the common headers; false if unusable.
  bool open(HTTPClient& http, const char* path, uint32_t timeoutMs);

  const Settings* settings_ = nullptr;
  bool usable_ = false;
  NetworkClient plain_;
  WiFiClientSecure secure_;
  char authorization_[112] = "";
  char url_[192] = "";
  uint8_t chunk_[1024];
};

/// Called while waiting (sleepMs, downloads): the sketch feeds the task watchdog.
void feedWatchdog();

}  // namespace yaguts_arduino
