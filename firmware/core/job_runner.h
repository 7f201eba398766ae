// The dispenser's state machine.
//
//   Idle ── long poll GET /devices/me/jobs/next?wait=S ──► persist job (Running)
//       a job re-delivered (delivery > 1) that flash does not hold ─► every
//       item failed "record_lost", no motor runs (the record was wiped)
//   Running, for each item k in order:
//       persist "k Starting" ─► progress ─► dispense ─► persist k's result ─► progress (best effort)
//       an abort (progress reply {"abort":true} or heartbeat abort_job_id) stops
//       before the next motor run: the items left fail "aborted", then Reporting
//       (the record holding the last result also says Reporting)
//   Reporting ── POST complete, every retryPeriod ± 10 %, forever, across reboots
//       200 or 409 (server already has a result) ─► persist Idle ("erase")
//       404 (job unknown or deleted), 400/413/415/422 (report refused for good)
//           ─► give up on this report, persist Idle, log it
//       401 ─► token revoked: stop all requests until clearRevoked(); dispensing
//           of a job already in flash goes on, its report waits in flash
//
// Boot rule — what keeps stock honest: a job found in flash resumes at its
// first item without a result. An item found "Starting" was (possibly) being
// dispensed when power was lost; it is reported failed with error
// "interrupted" and is never dispensed again. A bottle may thus be dispensed
// and not deducted, but is never dispensed twice, and never deducted twice.
//
// The motor never runs unless the record saying "Starting" is durable, and no
// state is ever left behind except through a durable write (RecordStore).
//
// Threading: one thread calls boot() once, then step() forever. Everything
// the runner uses is allocated in the object; construct it once at start-up.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "dispensing.h"
#include "job.h"
#include "ota.h"
#include "platform.h"
#include "record_store.h"
#include "text_builder.h"

namespace yaguts {

struct RunnerConfig {
  const char* fwVersion = "0.0.0";
  uint32_t retryPeriodMs = 30000;      ///< between complete attempts (jittered ±10 %)
  uint32_t pollWaitS = 25;             ///< long-poll wait, 0..30
  uint32_t heartbeatPeriodMs = 30000;  ///< the server marks a device offline after 90 s
  uint32_t backoffMs = 5000;           ///< after a failed poll or flash write (jittered)
  uint32_t requestTimeoutMs = 10000;   ///< heartbeat and complete
  uint32_t progressTimeoutMs = 3000;   ///< progress is best effort: never hold the motor long
  uint32_t idleWhenRevokedMs = 60000;  ///< step() interval while the token is revoked
};

struct RunnerPorts {
  KeyValueStore& flash;
  HttpClient& http;
  Dispenser& dispenser;
  Clock& clock;
  DeviceStatus& status;
  LogSink& log;
  OtaAgent* ota = nullptr;  ///< optional: signed updates offered by heartbeats
};

class JobRunner {
 public:
  enum class State : uint8_t { Idle, Running, Reporting };

  /// `seed` makes the retry jitter differ between devices (use a chip id).
  JobRunner(const RunnerConfig& config, const RunnerPorts& ports, uint32_t seed);

  /// Reads flash and applies the boot rule. Call once before step().
  void boot();
  /// Does one unit of work (one poll, one item, one report attempt...) and
  /// returns how many milliseconds may pass before the next call is useful.
  uint32_t step();

  State state() const;
  const Job& job() const { return job_; }
  bool revoked() const { return revoked_; }
  /// After a new token is provisioned.
  void clearRevoked() { revoked_ = false; }
  /// Reports finished with this job (accepted, or given up) since construction.
  uint32_t reportsFinished() const { return reportsFinished_; }
  /// Flash writes attempted since construction.
  uint32_t flashWrites() const { return store_.writes(); }

 private:
  bool persist();
  uint32_t poll();
  uint32_t dispenseNext();
  uint32_t report();
  void heartbeatIfDue();
  /// A short wait while nothing but the next heartbeat can move things on.
  uint32_t untilHeartbeat();
  void postProgress(size_t index);
  void finishJob();
  /// Every Pending item becomes Failed with `error` and no material (a
  /// re-delivered job without a record, an abort). Starting items keep the boot rule.
  void failAllUnfinished(ItemError error);
  /// If an abort was requested for the running job: every item not yet
  /// dispensed fails "aborted", the job goes to Reporting. True if it did.
  bool applyAbort();
  void noteUnauthorized();
  uint32_t jittered(uint32_t period);
  /// Starts a log line in line_; emit() sends it.
  TextBuilder logLine();
  void emit();

  RunnerConfig config_;
  RunnerPorts ports_;
  RecordStore store_;
  Job job_;
  bool dirty_ = false;  ///< job_ differs from flash and must be written before anything else
  bool revoked_ = false;
  /// The server asked to abort this job (progress reply or heartbeat). RAM
  /// only: after a reboot the first heartbeat, sent before any item, says it again.
  uint64_t abortJobId_ = 0;
  /// Boot found no readable record (new, wiped, or a format this firmware
  /// cannot read): a job the server hands back may have run motors before.
  bool flashLostAtBoot_ = false;
  /// A poll of this boot got a clean answer (204 or a job).
  bool answeredPollSinceBoot_ = false;
  uint32_t rng_;
  uint32_t bootMs_ = 0;
  /// Uptime in ms, accumulated from 32-bit clock deltas so it does not wrap
  /// after 49.7 days (step() runs far more often than that).
  uint64_t uptimeMs_ = 0;
  uint32_t uptimeAt_ = 0;
  uint32_t nextReportAt_ = 0;
  uint32_t nextHeartbeatAt_ = 0;
  uint32_t reportsFinished_ = 0;
  char request_[kRequestCapacity];
  char response_[kResponseCapacity];
  char path_[64];
  char line_[kLogLineCapacity];
};

}  // namespace yaguts
