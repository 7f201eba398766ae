// The device's provisioned settings and the one-line JSON that sets them over
// the serial console (see firmware/README.md). Parsed with the core's JSON
// reader, so it runs (and is tested) on the host too. Incomplete or
// contradictory settings are refused with a message for the person at the
// console; nothing is stored then.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "src/core/config.h"

namespace yaguts_arduino {

/// One frasco's hardware: how its motor is switched, checked and measured.
struct FrascoSettings {
  uint8_t motorPin;
  int8_t feedbackPin;      ///< -1: none (then the device never claims hardware_fault for it)
  bool byWeight;           ///< dispensed by the load cell instead of by time
  uint32_t flowMgPerS;     ///< time-based calibration (required unless byWeight)
  uint32_t maxRunMs;       ///< longest motor run; longer items fail motor_timeout (required)
};

/// The HX711 load cell shared by the frascos dispensed by weight.
struct ScaleSettings {
  bool present;
  uint8_t doutPin;
  uint8_t sckPin;
  int32_t countsPerGram;  ///< calibration: raw counts for 1 g (sign gives the direction)
};

struct Settings {
  char wifiSsid[33];
  char wifiPass[65];
  char serverUrl[128];   ///< http://… or https://…
  char token[96];
  char caCert[2048];     ///< PEM root CA for https:// (required unless insecureTls)
  bool insecureTls;      ///< https:// without verifying the server: only if said explicitly
  char otaPublicKey[256];  ///< PEM EC P-256 key that signs firmware images ("" = updates refused)
  uint8_t frascoCount;
  FrascoSettings frascos[yaguts::kMaxFrascos];
  ScaleSettings scale;
};

/// Parses a provisioning line into `out`. On failure returns false and puts
/// a one-line reason in `error` (e.g. "frascos[1].max_run_ms: required").
bool parseProvisioning(const char* json, size_t length, Settings* out, char* error, size_t errorCapacity);

}  // namespace yaguts_arduino
