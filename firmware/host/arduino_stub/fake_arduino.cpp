// Test fakes behind the host build of the Arduino API (see arduino_fake.h).
#include <algorithm>
#include <cstring>

#include "Arduino.h"
#include "HTTPClient.h"
#include "Preferences.h"
#include "WiFi.h"
#include "WiFiClientSecure.h"
#include "arduino_fake.h"
#include "esp_ota_ops.h"
#include "esp_task_wdt.h"

namespace arduino_fake {
std::function<HttpResponse(const HttpRequest&)> server;
std::vector<HttpRequest> requests;
unsigned long nowMs = 0;
uint8_t pinModes[64];
uint8_t pinLevels[64];
std::function<int(uint8_t)> readPin;
std::function<void(uint8_t, uint8_t)> onWrite;
std::map<std::string, std::map<std::string, std::vector<uint8_t>>> nvs;
wl_status_t wifiStatus = WL_DISCONNECTED;
int wifiBegins = 0, wifiReconnects = 0, wifiDisconnects = 0;
std::vector<uint8_t> otaImage;
bool otaEnded = false, otaBootSet = false, otaValidMarked = false, otaRollback = false, otaAborted = false;
esp_ota_img_states_t runningState = ESP_OTA_IMG_VALID;
int watchdogResets = 0;
int restarts = 0;

void reset() {
  server = nullptr;
  requests.clear();
  nowMs = 0;
  std::fill(std::begin(pinModes), std::end(pinModes), 0);
  std::fill(std::begin(pinLevels), std::end(pinLevels), 0);
  readPin = nullptr;
  onWrite = nullptr;
  nvs.clear();
  wifiStatus = WL_DISCONNECTED;
  wifiBegins = wifiReconnects = wifiDisconnects = 0;
  otaImage.clear();
  otaEnded = otaBootSet = otaValidMarked = otaRollback = otaAborted = false;
  runningState = ESP_OTA_IMG_VALID;
  watchdogResets = 0;
  restarts = 0;
}
}  // namespace arduino_fake

using namespace arduino_fake;

void pinMode(uint8_t pin, uint8_t mode) { pinModes[pin] = mode; }
void digitalWrite(uint8_t pin, uint8_t val) {
  pinLevels[pin] = val;
  if (onWrite) onWrite(pin, val);
}
int digitalRead(uint8_t pin) { return readPin ? readPin(pin) : pinLevels[pin]; }
unsigned long millis() { return nowMs; }
unsigned long micros() { return nowMs * 1000; }
void delay(uint32_t ms) { nowMs += ms; }
void delayMicroseconds(uint32_t) {}

String::String(const char* cstr) : buffer_(strdup(cstr == nullptr ? "" : cstr)) {}
String::String(const String& other) : buffer_(strdup(other.buffer_)) {}
String& String::operator=(const String& other) {
  if (this != &other) {
    free(buffer_);
    buffer_ = strdup(other.buffer_);
  }
  return *this;
}
String::~String() { free(buffer_); }

size_t Print::write(const uint8_t* buffer, size_t size) {
  for (size_t i = 0; i < size; ++i) write(buffer[i]);
  return size;
}
size_t Print::print(const char s[]) { return write(reinterpret_cast<const uint8_t*>(s), strlen(s)); }
size_t Print::println(const char s[]) { return print(s) + print("\n"); }

size_t Stream::readBytes(char* buffer, size_t length) {
  size_t n = 0;
  while (n < length && available() > 0) buffer[n++] = static_cast<char>(read());
  return n;
}

HardwareSerial Serial;
void HardwareSerial::begin(unsigned long, uint32_t, int8_t, int8_t, bool, unsigned long, uint8_t) {}
int HardwareSerial::available() { return 0; }
int HardwareSerial::read() { return -1; }
int HardwareSerial::peek() { return -1; }
size_t HardwareSerial::write(uint8_t c) { return fputc(c, stderr) == EOF ? 0 : 1; }

EspClass ESP;
uint32_t EspClass::getFreeHeap() { return 123456; }
uint64_t EspClass::getEfuseMac() { return 0x1234; }
void EspClass::restart() { ++restarts; }

// ---- Wi-Fi and the network client ------------------------------------------------
WiFiClass WiFi;
bool WiFiClass::mode(wifi_mode_t) { return true; }
wl_status_t WiFiClass::begin(const char*, const char*, int32_t, const uint8_t*, bool) {
  ++wifiBegins;
  return wifiStatus;
}
bool WiFiClass::reconnect() {
  ++wifiReconnects;
  return true;
}
bool WiFiClass::disconnect(bool, bool, unsigned long) {
  ++wifiDisconnects;
  return true;
}
wl_status_t WiFiClass::status() { return wifiStatus; }
bool WiFiClass::setAutoReconnect(bool) { return true; }
int8_t WiFiClass::RSSI() { return -58; }

int NetworkClient::available() { return static_cast<int>(fakeLength - fakePos); }
int NetworkClient::read() { return fakePos < fakeLength ? static_cast<uint8_t>(fakeData[fakePos++]) : -1; }
int NetworkClient::peek() { return fakePos < fakeLength ? static_cast<uint8_t>(fakeData[fakePos]) : -1; }
int NetworkClient::read(uint8_t* buf, size_t size) {
  return static_cast<int>(readBytes(buf, size));
}
size_t NetworkClient::write(uint8_t) { return 1; }
uint8_t NetworkClient::connected() { return fakePos < fakeLength ? 1 : 0; }
void NetworkClient::stop() { fakePos = fakeLength; }

void NetworkClientSecure::setInsecure() { fakeInsecure = true; }
void NetworkClientSecure::setCACert(const char* rootCA) { fakeCaCert = rootCA; }

// ---- HTTPClient ------------------------------------------------------------------
struct HTTPClient::State {
  NetworkClient* client = nullptr;
  HttpRequest request;
  HttpResponse response;
  std::vector<std::string> collect;
};

HTTPClient::HTTPClient() : state_(new State) {}
HTTPClient::~HTTPClient() { delete state_; }

bool HTTPClient::begin(NetworkClient& client, String url) {
  state_->client = &client;
  state_->request = HttpRequest{};
  state_->request.url = url.c_str();
  state_->request.tls = strncmp(url.c_str(), "https://", 8) == 0;
  if (auto* secure = dynamic_cast<NetworkClientSecure*>(&client)) {
    state_->request.caCert = secure->fakeCaCert == nullptr ? "" : secure->fakeCaCert;
    state_->request.insecure = secure->fakeInsecure;
  }
  return strncmp(url.c_str(), "http://", 7) == 0 || state_->request.tls;
}
void HTTPClient::end(void) {
  if (state_->client != nullptr) state_->client->stop();
}
void HTTPClient::setReuse(bool) {}
void HTTPClient::setConnectTimeout(int32_t) {}
void HTTPClient::setTimeout(uint16_t) {}
void HTTPClient::useHTTP10(bool) {}
void HTTPClient::addHeader(const String& name, const String& value, bool, bool) {
  state_->request.headers[name.c_str()] = value.c_str();
}
void HTTPClient::collectHeaders(const char* headerKeys[], const size_t headerKeysCount) {
  state_->collect.assign(headerKeys, headerKeys + headerKeysCount);
}
String HTTPClient::header(const char* name) {
  if (std::find(state_->collect.begin(), state_->collect.end(), name) == state_->collect.end()) return String("");
  auto it = state_->response.headers.find(name);
  return String(it == state_->response.headers.end() ? "" : it->second.c_str());
}
int HTTPClient::send(const char* method, const uint8_t* payload, size_t size) {
  state_->request.method = method;
  if (payload != nullptr) state_->request.body.assign(reinterpret_cast<const char*>(payload), size);
  requests.push_back(state_->request);
  if (wifiStatus != WL_CONNECTED || !server) return HTTPC_ERROR_CONNECTION_REFUSED;
  state_->response = server(state_->request);
  if (state_->response.status <= 0) return state_->response.status;
  NetworkClient& c = *state_->client;
  c.fakeData = state_->response.body.data();
  c.fakeLength = std::min(state_->response.body.size(), state_->response.breakAfter);
  c.fakePos = 0;
  return state_->response.status;
}
int HTTPClient::GET() { return send("GET", nullptr, 0); }
int HTTPClient::POST(uint8_t* payload, size_t size) { return send("POST", payload, size); }
int HTTPClient::getSize(void) { return static_cast<int>(state_->response.body.size()); }
NetworkClient* HTTPClient::getStreamPtr(void) { return state_->client; }

// ---- Preferences (NVS) -------------------------------------------------------------
bool Preferences::begin(const char* name, bool readOnly, const char*) {
  namespace_ = name;
  readOnly_ = readOnly;
  return true;
}
void Preferences::end() { namespace_ = nullptr; }
bool Preferences::isKey(const char* key) { return namespace_ != nullptr && nvs[namespace_].count(key) != 0; }
size_t Preferences::getBytesLength(const char* key) { return isKey(key) ? nvs[namespace_][key].size() : 0; }
size_t Preferences::getBytes(const char* key, void* buf, size_t maxLen) {
  if (!isKey(key)) return 0;
  const std::vector<uint8_t>& v = nvs[namespace_][key];
  if (v.size() > maxLen) return 0;
  memcpy(buf, v.data(), v.size());
  return v.size();
}
size_t Preferences::putBytes(const char* key, const void* value, size_t len) {
  if (namespace_ == nullptr || readOnly_) return 0;
  const uint8_t* p = static_cast<const uint8_t*>(value);
  nvs[namespace_][key].assign(p, p + len);
  return len;
}
size_t Preferences::getString(const char* key, char* value, size_t maxLen) {
  if (!isKey(key) || maxLen == 0) return 0;
  const std::vector<uint8_t>& v = nvs[namespace_][key];
  if (v.size() + 1 > maxLen) return 0;
  memcpy(value, v.data(), v.size());
  value[v.size()] = '\0';
  return v.size() + 1;  // like the real one: the length including the NUL
}
size_t Preferences::putString(const char* key, const char* value) {
  return putBytes(key, value, strlen(value));
}

// ---- OTA partitions and the watchdog ----------------------------------------------------
static esp_partition_t partitions[2] = {{nullptr, 0, 0x10, 0x10000, 0x180000, 4096, "app0", false, false},
                                        {nullptr, 0, 0x11, 0x190000, 0x180000, 4096, "app1", false, false}};
const esp_partition_t* esp_ota_get_next_update_partition(const esp_partition_t*) { return &partitions[1]; }
const esp_partition_t* esp_ota_get_running_partition(void) { return &partitions[0]; }
esp_err_t esp_ota_begin(const esp_partition_t* partition, size_t image_size, esp_ota_handle_t* out_handle) {
  if (partition == nullptr || image_size > partition->size) return ESP_FAIL;
  otaImage.clear();
  *out_handle = 1;
  return ESP_OK;
}
esp_err_t esp_ota_write(esp_ota_handle_t, const void* data, size_t size) {
  const uint8_t* p = static_cast<const uint8_t*>(data);
  otaImage.insert(otaImage.end(), p, p + size);
  return ESP_OK;
}
esp_err_t esp_ota_end(esp_ota_handle_t) {
  otaEnded = true;
  return ESP_OK;
}
esp_err_t esp_ota_abort(esp_ota_handle_t) {
  otaAborted = true;
  return ESP_OK;
}
esp_err_t esp_ota_set_boot_partition(const esp_partition_t*) {
  otaBootSet = true;
  return ESP_OK;
}
esp_err_t esp_ota_get_state_partition(const esp_partition_t*, esp_ota_img_states_t* ota_state) {
  *ota_state = runningState;
  return ESP_OK;
}
esp_err_t esp_ota_mark_app_valid_cancel_rollback(void) {
  otaValidMarked = true;
  runningState = ESP_OTA_IMG_VALID;
  return ESP_OK;
}
esp_err_t esp_ota_mark_app_invalid_rollback_and_reboot(void) {
  otaRollback = true;
  return ESP_OK;
}
esp_err_t esp_task_wdt_init(const esp_task_wdt_config_t*) { return ESP_OK; }
esp_err_t esp_task_wdt_reconfigure(const esp_task_wdt_config_t*) { return ESP_OK; }
esp_err_t esp_task_wdt_add(TaskHandle_t) { return ESP_OK; }
esp_err_t esp_task_wdt_reset(void) {
  ++watchdogResets;
  return ESP_OK;
}
