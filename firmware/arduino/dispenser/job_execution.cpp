#include "job_execution.h"

#include <WiFi.h>
#include <string.h>

namespace yaguts_arduino {

void GpioActuator::begin() {
  for (uint8_t i = 0; i < settings_.frascoCount; ++i) {
    const FrascoSettings& f = settings_.frascos[i];
    pinMode(f.motorPin, OUTPUT);
    digitalWrite(f.motorPin, LOW);
    if (f.feedbackPin >= 0) pinMode(static_cast<uint8_t>(f.feedbackPin), INPUT);
  }
}

bool GpioActuator::set(uint8_t frasco, bool on) {
  if (frasco >= settings_.frascoCount) return false;
  const FrascoSettings& f = settings_.frascos[frasco];
  digitalWrite(f.motorPin, on ? HIGH : LOW);
  if (f.feedbackPin < 0) return true;  // no feedback: no claim either way
  delay(kFeedbackSettleMs);
  return (digitalRead(static_cast<uint8_t>(f.feedbackPin)) == HIGH) == on;
}

void ArduinoClock::sleepMs(uint32_t ms) {
  // A motor run can last minutes: keep the watchdog fed while it does.
  while (ms > 0) {
    const uint32_t slice = ms < 1000 ? ms : 1000;
    delay(slice);  // delay() yields to the Wi-Fi task
    feedWatchdog();
    ms -= slice;
  }
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

bool ArduinoHttp::configure(const Settings& settings) {
  settings_ = &settings;
  snprintf(authorization_, sizeof authorization_, "Bearer %s", settings.token);
  const bool https = strncmp(settings.serverUrl, "https://", 8) == 0;
  usable_ = strncmp(settings.serverUrl, "http://", 7) == 0 || https;
  if (https && settings.caCert[0] != '\0') {
    secure_.setCACert(settings.caCert);
  } else if (https && settings.insecureTls) {
    secure_.setInsecure();
  } else if (https) {
    usable_ = false;  // never an unauthenticated TLS connection by default
  }
  return usable_;
}

bool ArduinoHttp::open(HTTPClient& http, const char* path, uint32_t timeoutMs) {
  if (!usable_ || snprintf(url_, sizeof url_, "%s%s", settings_->serverUrl, path) >= static_cast<int>(sizeof url_)) {
    return false;
  }
  http.useHTTP10(true);
  http.setReuse(false);
  http.setTimeout(static_cast<uint16_t>(timeoutMs > 65000 ? 65000 : timeoutMs));
  http.setConnectTimeout(static_cast<int32_t>(timeoutMs < 5000 ? timeoutMs : 5000));
  NetworkClient& client = strncmp(url_, "https://", 8) == 0 ? static_cast<NetworkClient&>(secure_) : plain_;
  if (!http.begin(client, url_)) return false;
  http.addHeader("Authorization", authorization_);
  return true;
}

yaguts::HttpResult ArduinoHttp::request(yaguts::HttpMethod method, const char* path, const char* body,
                                        size_t bodyLength, char* response, size_t capacity,
                                        uint32_t timeoutMs) {
  HTTPClient http;
  if (!open(http, path, timeoutMs)) return {yaguts::kHttpTransportError, 0};
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
  NetworkClient* stream = http.getStreamPtr();
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
    if (response == nullptr) {  // only the status is wanted: drop the body
      uint8_t drop[64];
      const size_t want = static_cast<size_t>(available) < sizeof drop ? static_cast<size_t>(available) : sizeof drop;
      length += stream->readBytes(drop, want);
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
  return {status, response == nullptr ? 0 : length};
}

yaguts::HttpResult ArduinoHttp::download(const char* path, uint32_t from, yaguts::DownloadSink& sink,
                                         uint32_t timeoutMs) {
  HTTPClient http;
  if (!open(http, path, timeoutMs)) return {yaguts::kHttpTransportError, 0};
  char range[32];
  snprintf(range, sizeof range, "bytes=%lu-", static_cast<unsigned long>(from));
  http.addHeader("Range", range);
  const char* wanted[] = {"Content-Range"};
  http.collectHeaders(wanted, 1);
  const int status = http.GET();
  if (status <= 0) {
    http.end();
    return {status == HTTPC_ERROR_READ_TIMEOUT ? yaguts::kHttpTimeout : yaguts::kHttpTransportError, 0};
  }
  char expectedRange[24];
  snprintf(expectedRange, sizeof expectedRange, "bytes %lu-", static_cast<unsigned long>(from));
  const String contentRange = http.header("Content-Range");
  const bool usable = (status == 206 && strncmp(contentRange.c_str(), expectedRange, strlen(expectedRange)) == 0) ||
                      (status == 200 && from == 0);
  if (!usable) {
    http.end();
    return {status == 206 ? yaguts::kHttpBadRange : status, 0};
  }
  const int expected = http.getSize();
  NetworkClient* stream = http.getStreamPtr();
  size_t accepted = 0;
  uint32_t lastByteAt = millis();
  while (stream != nullptr && (expected < 0 || accepted < static_cast<size_t>(expected))) {
    feedWatchdog();
    const int available = stream->available();
    if (available <= 0) {
      if (!stream->connected()) break;
      if (millis() - lastByteAt > timeoutMs) {
        http.end();
        return {yaguts::kHttpTimeout, accepted};
      }
      delay(1);
      continue;
    }
    size_t want = static_cast<size_t>(available) < sizeof chunk_ ? static_cast<size_t>(available) : sizeof chunk_;
    if (expected >= 0 && want > static_cast<size_t>(expected) - accepted) want = static_cast<size_t>(expected) - accepted;
    const size_t got = stream->readBytes(chunk_, want);
    if (got == 0) continue;
    lastByteAt = millis();
    if (!sink.accept(chunk_, got)) {
      http.end();
      return {status, accepted};
    }
    accepted += got;
  }
  http.end();
  const bool complete = expected < 0 || accepted == static_cast<size_t>(expected);
  return {complete ? status : yaguts::kHttpTransportError, accepted};
}

}  // namespace yaguts_arduino
