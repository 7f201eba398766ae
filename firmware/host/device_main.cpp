// yaguts-device: the dispenser firmware's core running on a POSIX host as a
// real device against a real server. Flash is a file, dispensing is a timed
// simulation, and everything the core logs goes to stderr.
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "../core/job_runner.h"
#include "../crypto/mbedtls_image_verifier.h"
#include "file_flash.h"
#include "file_slots.h"
#include "posix_http.h"
#include "sim_hardware.h"

#ifndef FW_VERSION
#define FW_VERSION "0.1.0-host"
#endif

namespace {

using namespace yaguts;

volatile sig_atomic_t stopRequested = 0;

void onSignal(int) { stopRequested = 1; }

class RealClock final : public Clock {
 public:
  uint32_t nowMs() override {
    const auto d = std::chrono::steady_clock::now() - start_;
    return static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
  }
  void sleepMs(uint32_t ms) override {
    timespec ts{static_cast<time_t>(ms / 1000), static_cast<long>(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

class HostStatus final : public DeviceStatus {
 public:
  bool wifiConnected() override { return true; }
  bool rssi(int32_t*) override { return false; }
  bool freeHeap(uint32_t*) override { return false; }
};

class StderrLog final : public LogSink {
 public:
  void line(const char* text) override {
    std::fprintf(stderr, "yaguts-device: %s\n", text);
    std::fflush(stderr);
  }
};

void usage() {
  std::fprintf(stderr,
               "usage: yaguts-device [options]\n"
               "  --server URL        server base URL, http://127.0.0.1:PORT   (env YAGUTS_SERVER)\n"
               "  --token TOKEN       device token                             (env YAGUTS_DEVICE_TOKEN)\n"
               "  --flash PATH        flash file (default ./yaguts-device.flash)  (env YAGUTS_FLASH)\n"
               "  --ledger PATH       append every completed dispense here     (env YAGUTS_LEDGER)\n"
               "  --frascos N         frascos on this device, 1..16 (default 16)\n"
               "  --dispense-ms LIST  run time per frasco in ms, e.g. 500 or 300,400,500 (default 500)\n"
               "  --retry-ms MS       complete-report retry period (default 30000)\n"
               "  --wait S            long-poll wait in seconds, 0..30 (default 25)\n"
               "  --heartbeat-ms MS   heartbeat period (default 30000)\n"
               "  --backoff-ms MS     wait after a failed poll (default 5000)\n"
               "  --once              exit 0 after one job's report is settled\n"
               "  --ota-dir DIR       image slots for updates (default FLASH.ota)\n"
               "  --ota-pubkey PATH   PEM EC P-256 public key that signs images (no key: updates refused)\n"
               "  --ota-confirm-ms MS a new image must reach the server within this (default 300000)\n"
               "  --ota-retry-ms MS   between download attempts (default 5000)\n"
               "exit status: 0 done, 2 usage, 3 token refused (401) with nothing left to dispense\n"
               "  (a pending report stays in the flash file and is sent after a restart)\n");
}

const char* envOr(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

bool parseUnsigned(const char* text, uint32_t* out) {
  char* end = nullptr;
  const unsigned long v = std::strtoul(text, &end, 10);
  if (end == text || *end != '\0' || v > 0xFFFFFFFFul) return false;
  *out = static_cast<uint32_t>(v);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string server = envOr("YAGUTS_SERVER", "");
  std::string token = envOr("YAGUTS_DEVICE_TOKEN", "");
  std::string flashPath = envOr("YAGUTS_FLASH", "./yaguts-device.flash");
  std::string ledger = envOr("YAGUTS_LEDGER", "");
  uint32_t frascos = 16;
  std::vector<uint32_t> delays = {500};
  bool once = false;
  RunnerConfig config;
  OtaConfig otaConfig;
  std::string otaDir, otaKeyPath;

  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool hasValue = i + 1 < argc;
    auto value = [&]() -> const char* { return argv[++i]; };
    bool ok = true;
    if (arg == "--once") {
      once = true;
    } else if (arg == "--help" || arg == "-h") {
      usage();
      return 0;
    } else if (!hasValue) {
      ok = false;
    } else if (arg == "--server") {
      server = value();
    } else if (arg == "--token") {
      token = value();
    } else if (arg == "--flash") {
      flashPath = value();
    } else if (arg == "--ledger") {
      ledger = value();
    } else if (arg == "--frascos") {
      ok = parseUnsigned(value(), &frascos) && frascos >= 1 && frascos <= kMaxFrascos;
    } else if (arg == "--dispense-ms") {
      delays.clear();
      std::string list = value();
      size_t start = 0;
      while (ok && start <= list.size()) {
        const size_t comma = list.find(',', start);
        const std::string one = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        uint32_t ms = 0;
        ok = parseUnsigned(one.c_str(), &ms);
        delays.push_back(ms);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    } else if (arg == "--retry-ms") {
      ok = parseUnsigned(value(), &config.retryPeriodMs) && config.retryPeriodMs > 0;
    } else if (arg == "--wait") {
      ok = parseUnsigned(value(), &config.pollWaitS) && config.pollWaitS <= 30;
    } else if (arg == "--heartbeat-ms") {
      ok = parseUnsigned(value(), &config.heartbeatPeriodMs) && config.heartbeatPeriodMs > 0;
    } else if (arg == "--ota-dir") {
      otaDir = value();
    } else if (arg == "--ota-pubkey") {
      otaKeyPath = value();
    } else if (arg == "--ota-confirm-ms") {
      ok = parseUnsigned(value(), &otaConfig.confirmDeadlineMs) && otaConfig.confirmDeadlineMs > 0;
    } else if (arg == "--ota-retry-ms") {
      ok = parseUnsigned(value(), &otaConfig.retryMs) && otaConfig.retryMs > 0;
    } else if (arg == "--backoff-ms") {
      ok = parseUnsigned(value(), &config.backoffMs) && config.backoffMs > 0;
    } else {
      ok = false;
    }
    if (!ok) {
      std::fprintf(stderr, "yaguts-device: bad argument: %s\n", arg.c_str());
      usage();
      return 2;
    }
  }

  host::PosixHttpClient http;
  if (!http.configure(server, token)) {
    std::fprintf(stderr, "yaguts-device: need --server http://HOST:PORT and --token\n");
    usage();
    return 2;
  }
  host::FileFlash flash(flashPath);
  if (!flash.open()) {
    std::fprintf(stderr, "yaguts-device: flash file %s is corrupt; refusing to start\n", flashPath.c_str());
    return 1;
  }

  // The boot loader's part: which image runs now decides the version.
  static host::FileSlots slots(otaDir.empty() ? flashPath + ".ota" : otaDir);
  if (!slots.bootLoader()) {
    std::fprintf(stderr, "yaguts-device: ota dir unusable\n");
    return 1;
  }
  static std::string version = FW_VERSION;
  if (!slots.runningImage().empty()) {
    const host::HostImage image = host::readHostImage(slots.runningImage());
    version = image.version;
    http.offline = image.offline;
  }
  config.fwVersion = version.c_str();
  otaConfig.fwVersion = version.c_str();
  static MbedtlsImageVerifier verifier;
  if (!otaKeyPath.empty()) {
    std::FILE* f = std::fopen(otaKeyPath.c_str(), "rb");
    std::string pem;
    char buf[512];
    size_t n = 0;
    while (f != nullptr && (n = std::fread(buf, 1, sizeof buf, f)) > 0) pem.append(buf, n);
    if (f != nullptr) std::fclose(f);
    if (!verifier.setPublicKey(pem.c_str())) {
      std::fprintf(stderr, "yaguts-device: %s is not a PEM EC P-256 public key\n", otaKeyPath.c_str());
      return 2;
    }
  }

  struct sigaction sa {};
  sa.sa_handler = onSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  static RealClock clock;
  static host::SimHardware hardware(clock, static_cast<uint8_t>(frascos), delays, ledger);
  static HostStatus status;
  static StderrLog log;
  static OtaAgent ota(otaConfig, OtaPorts{flash, http, slots, verifier, clock, log});
  static JobRunner runner(config, RunnerPorts{flash, http, hardware, clock, status, log, &ota},
                          static_cast<uint32_t>(getpid()) * 2654435761u);
  std::fprintf(stderr, "yaguts-device: fw_version=%s server=%s flash=%s%s\n", version.c_str(), server.c_str(),
               flashPath.c_str(), http.offline ? " (this image cannot reach the server)" : "");
  ota.boot();
  runner.boot();

  while (stopRequested == 0) {
    uint32_t wait = runner.step();
    if (slots.rebootRequested()) {
      // The host's reboot: the same program, arguments and files, new process.
      std::fprintf(stderr, "yaguts-device: rebooting\n");
      std::fflush(stderr);
      execv("/proc/self/exe", argv);
      std::fprintf(stderr, "yaguts-device: re-exec failed\n");
      return 1;
    }
    if (once && runner.reportsFinished() >= 1) {
      std::fprintf(stderr, "yaguts-device: --once: report settled, exiting\n");
      return 0;
    }
    if (runner.revoked() && runner.state() != JobRunner::State::Running) {
      std::fprintf(stderr, "yaguts-device: token refused; provision a new one and restart\n");
      return 3;
    }
    // Sleep in short slices so a signal ends the program promptly.
    while (wait > 0 && stopRequested == 0) {
      const uint32_t slice = wait < 100 ? wait : 100;
      clock.sleepMs(slice);
      wait -= slice;
    }
  }
  std::fprintf(stderr, "yaguts-device: stopping on signal\n");
  return 0;
}
