// A whole simulated device for runner tests: fakes wired to a JobRunner that
// can be rebooted (destroyed and rebuilt on the same flash, as after a power
// cut), and a driver that steps it with the fake clock.
#pragma once
#include <map>
#include <memory>
#include <string>

#include "../core/job_runner.h"
#include "../core/json_reader.h"
#include "../host/fakes.h"

namespace rig {

using namespace yaguts;
using namespace yaguts::fakes;

struct Device {
  Power power;
  FakeClock clock;
  FakeFlash flash{power};
  FakeHardware hardware{power, clock, 4};
  FakeServer server{power, clock};
  FakeStatus status;
  CaptureLog log;
  FakeSlots slots{power, "test-1.0"};
  FakeVerifier verifier;
  RunnerConfig config;
  OtaConfig otaConfig;
  std::string version;  ///< of the image booted last
  std::unique_ptr<OtaAgent> ota;
  std::unique_ptr<JobRunner> runner;
  int reboots = 0;

  Device() {
    config.fwVersion = "test-1.0";
    config.retryPeriodMs = 30000;
    config.pollWaitS = 5;
    config.heartbeatPeriodMs = 30000;
    config.backoffMs = 2000;
    otaConfig.confirmDeadlineMs = 120000;
    otaConfig.retryMs = 1000;
  }

  /// (Re)starts the firmware on the flash as it is now, with power restored.
  void boot() {
    power.on = true;
    slots.bootLoader();
    version = slots.running;
    config.fwVersion = version.c_str();
    otaConfig.fwVersion = version.c_str();
    ota = std::make_unique<OtaAgent>(otaConfig, OtaPorts{flash, server, slots, verifier, clock, log});
    ota->boot();
    runner = std::make_unique<JobRunner>(config, RunnerPorts{flash, server, hardware, clock, status, log, ota.get()},
                                         1234u + static_cast<uint32_t>(reboots));
    runner->boot();
  }

  /// One step, then the wait it asks for. Returns false if power was lost.
  bool step() {
    const uint32_t wait = runner->step();
    if (!power.on) return false;
    clock.sleepMs(wait);
    return true;
  }

  /// Steps (rebooting after every power cut) until `done()` or `limit` steps.
  template <typename Done>
  bool runUntil(Done done, int limit = 2000) {
    for (int i = 0; i < limit; ++i) {
      if (done()) return true;
      if (!step()) {
        ++reboots;
        boot();
      }
    }
    return done();
  }

  bool jobSettled(uint64_t id) {
    ServerJob* job = server.find(id);
    return job != nullptr && !job->report.empty() && runner->state() == JobRunner::State::Idle &&
           !runner->job().id;
  }
};

/// One entry of a complete report, as the server would read it.
struct ReportEntry {
  bool ok = false;
  int64_t dispensedMg = -1;
  std::string error;
};

inline std::map<int64_t, ReportEntry> parseReport(const std::string& body) {
  std::map<int64_t, ReportEntry> out;
  JsonReader r(body.data(), body.size());
  JsonSpan name, value;
  if (!r.beginObject()) return out;
  while (r.nextMember(&name)) {
    if (!(name == "execution_logs")) {
      r.skipValue();
      continue;
    }
    r.beginArray();
    while (r.nextElement()) {
      int64_t position = -1;
      ReportEntry e;
      r.beginObject();
      while (r.nextMember(&name)) {
        if (name == "position") r.readInt(&position);
        else if (name == "dispensed_mg") r.readInt(&e.dispensedMg);
        else if (name == "status") { r.readString(&value); e.ok = value == "ok"; }
        else if (name == "error") { r.readString(&value); e.error.assign(value.data, value.length); }
        else r.skipValue();
      }
      out[position] = e;
    }
  }
  return out;
}

}  // namespace rig
