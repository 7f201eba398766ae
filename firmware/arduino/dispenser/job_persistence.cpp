#include "job_persistence.h"

#include <string.h>

namespace yaguts_arduino {

namespace {
char storedLine[kProvisioningLineCapacity];
}

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

bool loadSettings(Settings* settings, char* error, size_t errorCapacity) {
  Preferences prefs;
  storedLine[0] = '\0';
  if (!prefs.begin("yaguts_cfg", true)) {
    snprintf(error, errorCapacity, "not provisioned");
    return false;
  }
  const size_t length = prefs.getString("line", storedLine, sizeof storedLine);
  prefs.end();
  if (length == 0 || storedLine[0] == '\0') {
    snprintf(error, errorCapacity, "not provisioned");
    return false;
  }
  return parseProvisioning(storedLine, strlen(storedLine), settings, error, errorCapacity);
}

bool applyProvisioningLine(const char* line, Settings* settings, char* error, size_t errorCapacity) {
  if (!parseProvisioning(line, strlen(line), settings, error, errorCapacity)) return false;
  Preferences prefs;
  if (!prefs.begin("yaguts_cfg", false) || prefs.putString("line", line) != strlen(line)) {
    snprintf(error, errorCapacity, "nvs: could not store the settings");
    prefs.end();
    return false;
  }
  prefs.end();
  return true;
}

}  // namespace yaguts_arduino
