// NVS bindings (Preferences): the core's KeyValueStore, and the device's
// provisioned settings. Both live in NVS; the job record's power-cut safety
// comes from the core's A/B RecordStore, not from NVS itself.
#pragma once
#include <Preferences.h>

#include "provisioning.h"
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

/// The provisioning line is what is stored (NVS namespace "yaguts_cfg", key
/// "line"): parsed again at every boot with the same validation.
constexpr size_t kProvisioningLineCapacity = 4096;

/// Loads and parses the stored line. False (with a reason) if absent or invalid.
bool loadSettings(Settings* settings, char* error, size_t errorCapacity);
/// Validates a provisioning line and, only if it is complete, stores it.
bool applyProvisioningLine(const char* line, Settings* settings, char* error, size_t errorCapacity);

}  // namespace yaguts_arduino
