#include "job_persistence.h"

#include <ArduinoJson.h>
#include <string.h>

namespace yaguts_arduino {

bool NvsStore::begin() { return prefs_.begin("yaguts_job", false); }

bool NvsStore::get(const char* key, uint8_t* out, size_t capacity, size_t* length) {
  if (!prefs_.isKey(key)) return false;
  const size_t stored = prefs_.getBytesLength(key);
  if (stored == 0 || stored > capacity) return false;
  *length = prefs_.getBytes(key, out, capacity);
  return *length == stored;
}

bool NvsStore::put(const char* key, const uint8_t* data, size_t length) {
  // putBytes commits (nvs_commit) before returning; a short count is a failure.
  return prefs_.putBytes(key, data, length) == length;
}

namespace {

void copyField(char* dst, size_t capacity, const char* src) {
  if (src == nullptr) return;
  strncpy(dst, src, capacity - 1);
  dst[capacity - 1] = '\0';
}

}  // namespace

bool loadSettings(Settings* s) {
  Preferences prefs;
  if (!prefs.begin("yaguts_cfg", true)) return false;
  prefs.getString("ssid", s->wifiSsid, sizeof s->wifiSsid);
  prefs.getString("pass", s->wifiPass, sizeof s->wifiPass);
  prefs.getString("server", s->serverUrl, sizeof s->serverUrl);
  prefs.getString("token", s->token, sizeof s->token);
  prefs.end();
  return s->wifiSsid[0] != '\0' && s->serverUrl[0] != '\0' && s->token[0] != '\0';
}

bool applyProvisioningLine(const char* line, Settings* s) {
  StaticJsonDocument<512> doc;
  const DeserializationError error = deserializeJson(doc, line);
  if (error) return false;
  copyField(s->wifiSsid, sizeof s->wifiSsid, doc["wifi_ssid"] | static_cast<const char*>(nullptr));
  copyField(s->wifiPass, sizeof s->wifiPass, doc["wifi_pass"] | static_cast<const char*>(nullptr));
  copyField(s->serverUrl, sizeof s->serverUrl, doc["server"] | static_cast<const char*>(nullptr));
  copyField(s->token, sizeof s->token, doc["token"] | static_cast<const char*>(nullptr));
  Preferences prefs;
  if (!prefs.begin("yaguts_cfg", false)) return false;
  prefs.putString("ssid", s->wifiSsid);
  prefs.putString("pass", s->wifiPass);
  prefs.putString("server", s->serverUrl);
  prefs.putString("token", s->token);
  prefs.end();
  return true;
}

}  // namespace yaguts_arduino
