// The link root of `make rv32-check`: a complete program for a bare RV32IMC
// core (the ESP32-C3's instruction set) that runs the dispenser core — job
// state machine and OTA agent — behind ports that do nothing. Linking it with
// `ld.lld --no-undefined` proves the core needs nothing from a C library or
// the C++ runtime beyond the few functions in runtime.c; its size is the
// core's code and RAM on a 32-bit target.
#include "../core/bytes.h"
#include "../core/job_runner.h"
#include "../core/ota.h"

namespace {

using namespace yaguts;

struct NullPorts final : KeyValueStore, HttpClient, Dispenser, Clock, DeviceStatus, LogSink, ImageSlots,
                         ImageVerifier {
  bool get(const char*, uint8_t*, size_t, size_t*) override { return false; }
  bool put(const char*, const uint8_t*, size_t) override { return true; }
  HttpResult request(HttpMethod, const char*, const char*, size_t, char*, size_t, uint32_t) override {
    return {kHttpTransportError, 0};
  }
  HttpResult download(const char*, uint32_t, DownloadSink&, uint32_t) override { return {kHttpTransportError, 0}; }
  uint8_t frascoCount() override { return 4; }
  DispenseOutcome dispense(uint8_t, uint32_t amountMg) override { return {true, amountMg, ItemError::None}; }
  uint32_t nowMs() override { return now += 10; }
  void sleepMs(uint32_t ms) override { now += ms; }
  bool wifiConnected() override { return true; }
  bool rssi(int32_t*) override { return false; }
  bool freeHeap(uint32_t*) override { return false; }
  void line(const char*) override {}
  bool begin(uint32_t) override { return true; }
  bool write(uint32_t, const uint8_t*, size_t) override { return true; }
  bool activate() override { return true; }
  void discard() override {}
  void reboot() override {}
  bool runningPendingVerify() override { return false; }
  bool confirm() override { return true; }
  void rollback() override {}
  void hashStart() override {}
  void hashUpdate(const uint8_t*, size_t) override {}
  void hashFinish(uint8_t digest[32]) override { fillBytes(digest, 0, 32); }
  bool signatureValid(const uint8_t*, const uint8_t*, size_t) override { return false; }
  uint32_t now = 0;
};

NullPorts ports;
OtaAgent ota(OtaConfig{}, OtaPorts{ports, ports, ports, ports, ports, ports});
JobRunner runner(RunnerConfig{}, RunnerPorts{ports, ports, ports, ports, ports, ports, &ota}, 1);

}  // namespace

extern "C" [[noreturn]] void _start() {
  ota.boot();
  runner.boot();
  for (;;) ports.sleepMs(runner.step());
}
