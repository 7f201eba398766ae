// Yaguts dispenser firmware for the ESP32 (Arduino core 3.x).
//
// The logic lives in the portable core (src/core, copied from firmware/core by
// `make -C firmware arduino-sync`); this sketch binds it to NVS, Wi-Fi,
// HTTPClient, the OTA partitions and the motor pins, keeps Wi-Fi connected,
// feeds the task watchdog, and accepts provisioning over the serial console
// (see firmware/README.md). Build with -DFW_VERSION=\"x.y.z\" (the version
// the heartbeat reports and OTA compares).
#include <Arduino.h>
#include <WiFi.h>
#include <esp_task_wdt.h>

#include "hx711.h"
#include "job_execution.h"
#include "job_persistence.h"
#include "ota_slots.h"
#include "src/core/job_runner.h"
#include "src/core/ota.h"
#include "src/crypto/mbedtls_image_verifier.h"

#ifndef FW_VERSION
#define FW_VERSION "0.0.0-dev"
#endif

using namespace yaguts;
using namespace yaguts_arduino;

class SerialLog final : public LogSink {
 public:
  void line(const char* text) override { Serial.println(text); }
};

// The longest call that blocks the loop is a long poll (wait + 10 s = 35 s) or
// a TLS handshake; the watchdog must outlast it, and catches a hang beyond.
static constexpr uint32_t kWatchdogMs = 60000;
// Wi-Fi auto-reconnect does the work; only if it stays down this long is a
// reconnect asked for (never a disconnect: that would drop a pending association).
static constexpr uint32_t kWifiNudgeMs = 60000;

// Everything is allocated statically: no heap use after setup() (mbedTLS
// aside, while it parses the public key and verifies an image).
static Settings settings;
static NvsStore flash;
static ArduinoHttp http;
static ArduinoClock deviceClock;
static ArduinoStatus deviceStatus;
static SerialLog serialLog;
static EspOtaSlots slots;
static MbedtlsImageVerifier verifier;
static JobRunner* runner = nullptr;
static uint32_t nextStepAt = 0;
static uint32_t wifiDownSince = 0;
static bool wifiWasUp = false;
static char serialLine[kProvisioningLineCapacity];
static size_t serialLength = 0;
static char settingsError[160];

namespace yaguts_arduino {
void feedWatchdog() { esp_task_wdt_reset(); }
}  // namespace yaguts_arduino

static void startWatchdog() {
  esp_task_wdt_config_t config = {};
  config.timeout_ms = kWatchdogMs;
  config.idle_core_mask = 0;
  config.trigger_panic = true;  // a hung loop restarts the board; the boot rule does the rest
  // The Arduino core has already started the task watchdog: reconfigure it.
  if (esp_task_wdt_reconfigure(&config) != ESP_OK) esp_task_wdt_init(&config);
  esp_task_wdt_add(nullptr);
}

static void startWifi() {
  WiFi.mode(WIFI_STA);
  WiFi.setAutoReconnect(true);
  WiFi.begin(settings.wifiSsid, settings.wifiPass);
  wifiDownSince = millis();
}

// Logs changes; if the link stays down past kWifiNudgeMs, asks once per
// period for a reconnect. Dispensing never waits for Wi-Fi.
static void keepWifi() {
  const bool up = WiFi.status() == WL_CONNECTED;
  const uint32_t now = millis();
  if (up != wifiWasUp) {
    Serial.println(up ? "wifi: connected" : "wifi: lost; auto-reconnect on");
    wifiWasUp = up;
    wifiDownSince = now;
  }
  if (!up && now - wifiDownSince >= kWifiNudgeMs) {
    Serial.println("wifi: still down; asking for a reconnect");
    WiFi.reconnect();
    wifiDownSince = now;
  }
}

// One JSON object per line (see firmware/README.md). Incomplete settings are
// refused with the reason; nothing is stored then.
static void readSerial() {
  while (Serial.available() > 0) {
    const int c = Serial.read();
    if (c == '\n' || c == '\r') {
      if (serialLength == 0) continue;
      serialLine[serialLength] = '\0';
      serialLength = 0;
      static Settings candidate;
      if (applyProvisioningLine(serialLine, &candidate, settingsError, sizeof settingsError)) {
        Serial.println("provisioned; restarting");
        delay(100);
        ESP.restart();
      } else {
        Serial.print("provisioning refused: ");
        Serial.println(settingsError);
      }
    } else if (serialLength + 1 < sizeof serialLine) {
      serialLine[serialLength++] = static_cast<char>(c);
    }
  }
}

void setup() {
  Serial.begin(115200);
  startWatchdog();
  Serial.print("yaguts dispenser ");
  Serial.println(FW_VERSION);
  if (!loadSettings(&settings, settingsError, sizeof settingsError)) {
    Serial.print("settings: ");
    Serial.println(settingsError);
    Serial.println("send one JSON line: {\"wifi_ssid\",\"wifi_pass\",\"server\",\"token\",\"frascos\":[...]} (README)");
    return;
  }
  static GpioActuator actuator(settings);
  actuator.begin();  // motors off before anything else
  static uint32_t flows[kMaxFrascos];
  static uint32_t maxRun[kMaxFrascos];
  for (uint8_t i = 0; i < settings.frascoCount; ++i) {
    flows[i] = settings.frascos[i].flowMgPerS;
    maxRun[i] = settings.frascos[i].maxRunMs;
  }
  static TimedDispenser timed(actuator, deviceClock, flows, settings.frascoCount);
  timed.setMaxRunMs(maxRun);
  static Hx711Scale scale(settings.scale.doutPin, settings.scale.sckPin, settings.scale.countsPerGram);
  static ScaleDispenser weighed(actuator, scale, deviceClock, settings.frascoCount, 20, 600000);
  weighed.setMaxRunMs(maxRun);
  if (settings.scale.present) scale.begin();
  static Dispenser* byFrasco[kMaxFrascos];
  for (uint8_t i = 0; i < settings.frascoCount; ++i) {
    byFrasco[i] = settings.frascos[i].byWeight ? static_cast<Dispenser*>(&weighed) : &timed;
  }
  static PerFrascoDispenser dispenser(byFrasco, settings.frascoCount);

  if (!http.configure(settings)) Serial.println("server: https:// needs ca_cert (or insecure_tls); requests refused");
  if (settings.otaPublicKey[0] != '\0' && !verifier.setPublicKey(settings.otaPublicKey)) {
    Serial.println("ota_public_key unusable: updates will be refused");
  }
  if (!flash.begin()) Serial.println("nvs: cannot open namespace yaguts_job");
  RunnerConfig config;
  config.fwVersion = FW_VERSION;
  OtaConfig otaConfig;
  otaConfig.fwVersion = FW_VERSION;
  static OtaAgent ota(otaConfig, OtaPorts{flash, http, slots, verifier, deviceClock, serialLog});
  static JobRunner instance(config, RunnerPorts{flash, http, dispenser, deviceClock, deviceStatus, serialLog, &ota},
                            static_cast<uint32_t>(ESP.getEfuseMac()));
  runner = &instance;
  ota.boot();
  runner->boot();  // the boot rule: a job in flash resumes, its report waits for the network
  startWifi();
}

void loop() {
  feedWatchdog();
  readSerial();
  if (runner == nullptr) {
    delay(10);
    return;
  }
  keepWifi();
  const uint32_t now = millis();
  if (static_cast<int32_t>(now - nextStepAt) < 0) {
    delay(10);
    return;
  }
  const uint32_t wait = runner->step();
  // Wake at least every second so serial provisioning and Wi-Fi stay live.
  nextStepAt = millis() + (wait < 1000 ? wait : 1000);
}
