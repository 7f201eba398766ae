// Hardware and network bindings for the ESP32: GPIO actuators, millis()
// clock, Wi-Fi status, and HTTPClient as the core's HttpClient.
#pragma once
#include <Arduino.h>
#include <HTTPClient.h>

#include "src/core/dispensing.h"
#include "src/core/platform.h"

namespace yaguts_arduino {

/// One output pin per frasco (motor driver enable), active high.
class GpioActuator final : public yaguts::Actuator {
 public:
  GpioActuator(const uint8_t* pins, uint8_t count) : pins_(pins), count_(count) {}
  void begin();
  bool set(uint8_t frasco, bool on) override;

 private:
  const uint8_t* pins_;
  uint8_t count_;
};

class ArduinoClock final : public yaguts::Clock {
 public:
  uint32_t nowMs() override { return millis(); }
  void sleepMs(uint32_t ms) override { delay(ms); }  // delay() yields to the Wi-Fi task
};

class ArduinoStatus final : public yaguts::DeviceStatus {
 public:
  bool wifiConnected() override;
  bool rssi(int32_t* dbm) override;
  bool freeHeap(uint32_t* bytes) override;
};

/// HttpClient over the ESP32 HTTPClient. HTTP/1.0 is requested so the body
/// is never chunked and can be streamed straight into the caller's buffer
/// (no String on the heap).
class ArduinoHttp final : public yaguts::HttpClient {
 public:
  /// Both strings must outlive this object (they live in Settings).
  void configure(const char* baseUrl, const char* token);
  yaguts::HttpResult request(yaguts::HttpMethod method, const char* path, const char* body,
                             size_t bodyLength, char* response, size_t capacity,
                             uint32_t timeoutMs) override;

 private:
  const char* baseUrl_ = "";
  char authorization_[112] = "";
  char url_[192] = "";
};

}  // namespace yaguts_arduino
