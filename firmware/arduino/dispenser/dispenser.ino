// Yaguts dispenser firmware for the ESP32 (Arduino core).
//
// The logic lives in the portable core (src/core, copied from firmware/core by
// `make -C firmware arduino-sync`); this sketch binds it to NVS, Wi-Fi,
// HTTPClient and the motor pins, keeps Wi-Fi connected, and accepts
// provisioning over the serial console (see firmware/README.md).
#include <Arduino.h>
#include <WiFi.h>

#include "job_execution.h"
#include "job_persistence.h"
#include "src/core/job_runner.h"

#define FW_VERSION "0.1.0"

using namespace yaguts;
using namespace yaguts_arduino;

// Board wiring: one motor driver enable pin per frasco, and each frasco's
// calibrated flow in mg per second (measure: run 10 s, weigh, divide).
static const uint8_t kMotorPins[] = {16, 17, 18, 19};
static const uint32_t kFlowMgPerS[] = {2000, 2000, 1500, 1500};
static const uint8_t kFrascos = sizeof kMotorPins;

class SerialLog final : public LogSink {
 public:
  void line(const char* text) override { Serial.println(text); }
};

// Everything is allocated statically: no heap use after setup().
static Settings settings;
static NvsStore flash;
static ArduinoHttp http;
static ArduinoClock deviceClock;
static ArduinoStatus deviceStatus;
static SerialLog serialLog;
static GpioActuator actuator(kMotorPins, kFrascos);
static TimedDispenser dispenser(actuator, deviceClock, kFlowMgPerS, kFrascos);
static JobRunner* runner = nullptr;
static uint32_t nextStepAt = 0;
static uint32_t nextWifiAttemptAt = 0;
static char serialLine[384];
static size_t serialLength = 0;

static RunnerConfig makeConfig() {
  RunnerConfig config;
  config.fwVersion = FW_VERSION;
  return config;
}

static void startWifi() {
  WiFi.mode(WIFI_STA);
  WiFi.setAutoReconnect(true);
  WiFi.begin(settings.wifiSsid, settings.wifiPass);
}

// Reconnects with a 10 s spacing when the access point drops us. Dispensing
// never waits for this: the runner only needs Wi-Fi to poll and report.
static void keepWifi() {
  if (WiFi.status() == WL_CONNECTED) return;
  const uint32_t now = millis();
  if (static_cast<int32_t>(now - nextWifiAttemptAt) < 0) return;
  nextWifiAttemptAt = now + 10000;
  Serial.println("wifi: reconnecting");
  WiFi.disconnect();
  WiFi.begin(settings.wifiSsid, settings.wifiPass);
}

// One JSON object per line, e.g.
// {"wifi_ssid":"shop","wifi_pass":"...","server":"http://10.0.0.2:8080","token":"..."}
static void readSerial() {
  while (Serial.available() > 0) {
    const int c = Serial.read();
    if (c == '\n' || c == '\r') {
      if (serialLength == 0) continue;
      serialLine[serialLength] = '\0';
      serialLength = 0;
      if (applyProvisioningLine(serialLine, &settings)) {
        Serial.println("provisioned; restarting");
        delay(100);
        ESP.restart();
      } else {
        Serial.println("provisioning: expected one JSON object per line");
      }
    } else if (serialLength + 1 < sizeof serialLine) {
      serialLine[serialLength++] = static_cast<char>(c);
    }
  }
}

void setup() {
  Serial.begin(115200);
  actuator.begin();  // motors off before anything else
  Serial.print("yaguts dispenser ");
  Serial.println(FW_VERSION);
  if (!flash.begin()) Serial.println("nvs: cannot open namespace yaguts_job");
  const bool provisioned = loadSettings(&settings);
  if (!provisioned) Serial.println("not provisioned: send {\"wifi_ssid\",\"wifi_pass\",\"server\",\"token\"}");
  http.configure(settings.serverUrl, settings.token);
  static JobRunner instance(makeConfig(), RunnerPorts{flash, http, dispenser, deviceClock, deviceStatus, serialLog},
                            static_cast<uint32_t>(ESP.getEfuseMac()));
  runner = &instance;
  // The boot rule runs even unprovisioned: a job in flash resumes, its
  // report waits for the network.
  runner->boot();
  if (provisioned) startWifi();
}

void loop() {
  readSerial();
  if (settings.wifiSsid[0] != '\0') keepWifi();
  const uint32_t now = millis();
  if (static_cast<int32_t>(now - nextStepAt) < 0) {
    delay(10);
    return;
  }
  const uint32_t wait = runner->step();
  // Wake at least every second so serial provisioning and Wi-Fi stay live.
  nextStepAt = millis() + (wait < 1000 ? wait : 1000);
}
