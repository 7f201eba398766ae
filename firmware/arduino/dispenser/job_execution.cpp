#include "job_execution.h"

#include <WiFi.h>
#include <string.h>

namespace yaguts_arduino {

void GpioActuator::begin() {
  for (uint8_t i = 0; i < count_; ++i) {
    pinMode(pins_[i], OUTPUT);
    digitalWrite(pins_[i], LOW);
  }
}

bool GpioActuator::set(uint8_t frasco, bool on) {
  if (frasco >= count_) return false;
  digitalWrite(pins_[frasco], on ? HIGH : LOW);
  return true;
}

bool ArduinoStatus::wifiConnected() { return WiFi.status() == WL_CONNECTED; }

bool ArduinoStatus::rssi(int32_t* dbm) {
  if (WiFi.status() != WL_CONNECTED) return false;
  *dbm = WiFi.RSSI();
  return true;
}

bool ArduinoStatus::freeHeap(uint32_t* bytes) {
  *bytes = ESP.getFreeHeap();
  return true;
}

void ArduinoHttp::configure(const char* baseUrl, const char* token) {
  baseUrl_ = baseUrl;
  snprintf(authorization_, sizeof authorization_, "Bearer %s", token);
}

yaguts::HttpResult ArduinoHttp::request(yaguts::HttpMethod method, const char* path, const char* body,
                                        size_t bodyLength, char* response, size_t capacity,
                                        uint32_t timeoutMs) {
  if (snprintf(url_, sizeof url_, "%s%s", baseUrl_, path) >= static_cast<int>(sizeof url_)) {
    return {yaguts::kHttpTransportError, 0};
  }
  HTTPClient http;
  http.useHTTP10(true);
  http.setReuse(false);
  http.setTimeout(static_cast<uint16_t>(timeoutMs > 65000 ? 65000 : timeoutMs));
  http.setConnectTimeout(static_cast<int32_t>(timeoutMs < 5000 ? timeoutMs : 5000));
  if (!http.begin(url_)) return {yaguts::kHttpTransportError, 0};
  http.addHeader("Authorization", authorization_);
  http.addHeader("Accept", "application/json");
  int status;
  if (method == yaguts::HttpMethod::Post) {
    http.addHeader("Content-Type", "application/json");
    status = http.POST(reinterpret_cast<uint8_t*>(const_cast<char*>(body)), bodyLength);
  } else {
    status = http.GET();
  }
  if (status <= 0) {
    http.end();
    return {status == HTTPC_ERROR_READ_TIMEOUT ? yaguts::kHttpTimeout : yaguts::kHttpTransportError, 0};
  }
  // Stream the body into the caller's buffer: Content-Length if known, else until close.
  const int expected = http.getSize();
  WiFiClient* stream = http.getStreamPtr();
  size_t length = 0;
  const uint32_t deadline = millis() + timeoutMs;
  while (stream != nullptr && (expected < 0 || length < static_cast<size_t>(expected))) {
    if (static_cast<int32_t>(millis() - deadline) >= 0) {
      http.end();
      return {yaguts::kHttpTimeout, 0};
    }
    const int available = stream->available();
    if (available <= 0) {
      if (!stream->connected()) break;
      delay(1);
      continue;
    }
    if (length >= capacity) {
      http.end();
      return {yaguts::kHttpResponseTooLarge, 0};
    }
    const size_t room = capacity - length;
    const size_t want = static_cast<size_t>(available) < room ? static_cast<size_t>(available) : room;
    length += stream->readBytes(response + length, want);
  }
  http.end();
  return {status, length};
}

}  // namespace yaguts_arduino
