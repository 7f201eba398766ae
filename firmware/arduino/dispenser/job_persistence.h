// NVS bindings (Preferences): the core's KeyValueStore, and the device's
// provisioned settings. Both live in NVS; the job record's power-cut safety
// comes from the core's A/B RecordStore, not from NVS itself.
#pragma once
#include <Preferences.h>

#include "src/core/platform.h"

namespace yaguts_arduino {

/// KeyValueStore over one Preferences namespace ("yaguts_job").
class NvsStore final : public yaguts::KeyValueStore {
 public:
  bool begin();
  bool get(const char* key, uint8_t* out, size_t capacity, size_t* length) override;
  bool put(const char* key, const uint8_t* data, size_t length) override;

 private:
  Preferences prefs_;
};

/// What a device needs to reach its server; set over the serial console.
struct Settings {
  char wifiSsid[33];
  char wifiPass[65];
  char serverUrl[128];  ///< e.g. http://yaguts.local:8080
  char token[96];       ///< the device token from POST /devices
};

/// Loads settings from NVS namespace "yaguts_cfg"; false if any is missing.
bool loadSettings(Settings* settings);
/// Applies a provisioning line: one JSON object with any of
/// {"wifi_ssid", "wifi_pass", "server", "token"}. False if it is not valid JSON.
bool applyProvisioningLine(const char* line, Settings* settings);

}  // namespace yaguts_arduino
