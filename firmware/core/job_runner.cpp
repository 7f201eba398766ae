#include "job_runner.h"

#include "bytes.h"
#include "wire.h"

namespace yaguts {

namespace {

constexpr uint32_t kWifiRecheckMs = 1000;

bool permanentlyRefused(int status) {
  return status == 400 || status == 413 || status == 415 || status == 422;
}

}  // namespace

JobRunner::JobRunner(const RunnerConfig& config, const RunnerPorts& ports, uint32_t seed)
    : config_(config), ports_(ports), store_(ports.flash, "job_a", "job_b"),
      rng_(seed == 0 ? 0x9E3779B9u : seed) {
  if (config_.pollWaitS > 30) config_.pollWaitS = 30;
  if (config_.retryPeriodMs == 0) config_.retryPeriodMs = 1;
}

TextBuilder JobRunner::logLine() { return TextBuilder(line_, sizeof line_); }

void JobRunner::emit() { ports_.log.line(line_); }

uint32_t JobRunner::jittered(uint32_t period) {
  // xorshift32: a device-local spread, so a fleet that lost the server at
  // the same moment does not come back in lockstep.
  rng_ ^= rng_ << 13;
  rng_ ^= rng_ >> 17;
  rng_ ^= rng_ << 5;
  const uint32_t spread = period / 5;
  return period - period / 10 + (spread == 0 ? 0 : rng_ % (spread + 1));
}

JobRunner::State JobRunner::state() const {
  switch (job_.phase) {
    case JobPhase::Running: return State::Running;
    case JobPhase::Reporting: return State::Reporting;
    case JobPhase::Idle: break;
  }
  return State::Idle;
}

void JobRunner::boot() {
  bootMs_ = ports_.clock.nowMs();
  uptimeAt_ = bootMs_;
  uptimeMs_ = 0;
  nextHeartbeatAt_ = bootMs_;
  nextReportAt_ = bootMs_;
  dirty_ = false;
  job_.clear();
  answeredPollSinceBoot_ = false;
  const size_t length = store_.load();
  flashLostAtBoot_ = length == 0;
  if (length > 0 && !job_codec::decode(store_.payload(), length, &job_)) {
    // A valid frame this firmware cannot read (a downgrade): nothing safe can
    // be done with it. Keep it in flash untouched until a job overwrites it.
    logLine().text("flash record unreadable (format); starting idle");
    emit();
    job_.clear();
    flashLostAtBoot_ = true;
  }
  // A store formatted after a loss keeps saying so until a poll is answered:
  // a power cut before then must not make the next boot trust it.
  if (job_.storeLost) flashLostAtBoot_ = true;
  if (length == 0) {
    // Empty store: factory-new, or wiped. Write the Idle record now, so the
    // next boot can tell an intact store (no job could have run) from a lost one.
    logLine().text("boot: no record in flash (new or wiped); formatting");
    emit();
    job_.clear();
    persist();
  }
  if (job_.phase == JobPhase::Idle) {
    job_.clear();
    logLine().text("boot: no job in flash");
    emit();
    return;
  }
  // The boot rule. Not written back now: each boot converts the same way
  // (interrupted items carry no device_ms), and the next write carries it.
  for (size_t i = 0; i < job_.itemCount; ++i) {
    JobItem& item = job_.items[i];
    if (item.status != ItemStatus::Starting) continue;
    item.status = ItemStatus::Failed;
    item.error = ItemError::Interrupted;
    item.dispensedMg = 0;
    item.deviceMs = 0;
    logLine().text("boot: job=").unsignedNumber(job_.id).text(" position=")
        .unsignedNumber(item.position).text(" interrupted; never dispensed again");
    emit();
  }
  if (job_.allFinished()) job_.phase = JobPhase::Reporting;
  TextBuilder line = logLine();
  line.text("boot: resuming job=").unsignedNumber(job_.id);
  if (job_.phase == JobPhase::Reporting) {
    line.text(" (report pending)");
  } else {
    line.text(" at item index=").unsignedNumber(job_.firstUnfinished());
  }
  emit();
}

bool JobRunner::persist() {
  job_.storeLost = flashLostAtBoot_ && !answeredPollSinceBoot_;
  const size_t length = job_codec::encode(job_, store_.payload());
  if (store_.save(length)) {
    dirty_ = false;
    return true;
  }
  dirty_ = true;
  logLine().text("flash write failed; will retry");
  emit();
  return false;
}

uint32_t JobRunner::step() {
  if (dirty_ && !persist()) return jittered(config_.backoffMs);
  heartbeatIfDue();
  switch (job_.phase) {
    case JobPhase::Idle:
      if (revoked_) return config_.idleWhenRevokedMs;
      if (ports_.ota != nullptr) {
        // Updates run only between jobs; a new image takes no job before it
        // has reached the server (or it would be rolled back mid-job).
        if (ports_.status.wifiConnected() && ports_.ota->hasWork()) return ports_.ota->step();
        if (ports_.ota->pendingVerify()) return untilHeartbeat();
      }
      return poll();
    case JobPhase::Running:
      return dispenseNext();
    case JobPhase::Reporting:
      return revoked_ ? config_.idleWhenRevokedMs : report();
  }
  return config_.backoffMs;
}

uint32_t JobRunner::untilHeartbeat() {
  const uint32_t now = ports_.clock.nowMs();
  if (timeReached(now, nextHeartbeatAt_)) return 0;
  const uint32_t wait = nextHeartbeatAt_ - now;
  return wait < kWifiRecheckMs ? wait : kWifiRecheckMs;
}

void JobRunner::noteUnauthorized() {
  if (!revoked_) {
    logLine().text("401: device token refused (revoked?); requests stop until a new token");
    emit();
  }
  revoked_ = true;
}

void JobRunner::heartbeatIfDue() {
  const uint32_t now = ports_.clock.nowMs();
  uptimeMs_ += now - uptimeAt_;
  uptimeAt_ = now;
  if (revoked_ || !timeReached(now, nextHeartbeatAt_)) return;
  nextHeartbeatAt_ = now + config_.heartbeatPeriodMs;
  if (!ports_.status.wifiConnected()) return;
  const uint64_t uptimeS = uptimeMs_ / 1000;
  HeartbeatInfo info{config_.fwVersion, uptimeS > 0xFFFFFFFFu ? 0xFFFFFFFFu : static_cast<uint32_t>(uptimeS),
                     false, 0, false, 0};
  info.hasRssi = ports_.status.rssi(&info.rssi);
  info.hasFreeHeap = ports_.status.freeHeap(&info.freeHeap);
  const size_t length = writeHeartbeat(info, request_, sizeof request_);
  const HttpResult result = ports_.http.request(HttpMethod::Post, "/devices/me/heartbeat", request_,
                                                length, response_, sizeof response_,
                                                config_.requestTimeoutMs);
  if (result.status == 401) noteUnauthorized();
  if (result.status != 200) return;
  if (ports_.ota != nullptr) ports_.ota->heartbeatSucceeded();
  HeartbeatReply reply;
  if (!parseHeartbeatReply(response_, result.bodyLength, &reply)) return;
  if (ports_.ota != nullptr && reply.hasUpdate && job_.phase == JobPhase::Idle && !dirty_) {
    ports_.ota->offer(reply.update);
  }
  if (reply.abortJobId != 0 && reply.abortJobId == job_.id && job_.phase == JobPhase::Running) {
    abortJobId_ = reply.abortJobId;
  }
}

uint32_t JobRunner::poll() {
  if (!ports_.status.wifiConnected()) return kWifiRecheckMs;
  TextBuilder(path_, sizeof path_).text("/devices/me/jobs/next?wait=").unsignedNumber(config_.pollWaitS);
  const HttpResult result = ports_.http.request(HttpMethod::Get, path_, nullptr, 0, response_,
                                                sizeof response_,
                                                (config_.pollWaitS + 10) * 1000);
  if (result.status == 204) {
    const bool clearLostMark = job_.storeLost;
    answeredPollSinceBoot_ = true;
    // No job of before the loss is running any more: the store is trusted again.
    if (clearLostMark) persist();
    return 0;
  }
  if (result.status == 401) {
    noteUnauthorized();
    return config_.idleWhenRevokedMs;
  }
  if (result.status != 200) {
    const uint32_t wait = jittered(config_.backoffMs);
    logLine().text("poll failed status=").number(result.status).text("; retry in ")
        .unsignedNumber(wait).text(" ms");
    emit();
    return wait;
  }
  uint32_t delivery = 1;
  const JobParse parsed = parseJobResponse(response_, result.bodyLength,
                                           ports_.dispenser.frascoCount(), &job_, &delivery);
  if (parsed == JobParse::Unreadable) {
    job_.clear();
    logLine().text("poll: job without a readable id; ignored");
    emit();
    return jittered(config_.backoffMs);
  }
  // A re-delivered job may have run motors before this boot only if flash
  // lost its record; once a poll of this boot was answered, any re-delivery
  // is of a job handed out since (the server hands a running job back first),
  // whose earlier hand-out was lost on the way or never became durable.
  const bool recordLost = delivery > 1 && flashLostAtBoot_ && !answeredPollSinceBoot_;
  answeredPollSinceBoot_ = true;
  if (recordLost) failAllUnfinished(ItemError::RecordLost);
  if (!persist()) {
    // Nothing was dispensed; the server hands the same job back next poll.
    job_.clear();
    dirty_ = false;
    return jittered(config_.backoffMs);
  }
  if (recordLost) {
    logLine().text("record_lost: job=").unsignedNumber(job_.id).text(" delivery=").unsignedNumber(delivery)
        .text(" without a local record; no motor runs, every item reported failed");
    emit();
  }
  logLine().text("took job=").unsignedNumber(job_.id).text(" items=").unsignedNumber(job_.itemCount)
      .text(parsed == JobParse::Malformed ? " (malformed: reporting it failed)" : "");
  emit();
  nextReportAt_ = ports_.clock.nowMs();
  return 0;
}

void JobRunner::postProgress(size_t index) {
  if (revoked_ || !ports_.status.wifiConnected()) return;
  const size_t length = writeProgress(job_, index, request_, sizeof request_);
  TextBuilder(path_, sizeof path_).text("/devices/me/jobs/").unsignedNumber(job_.id).text("/progress");
  const HttpResult result = ports_.http.request(HttpMethod::Post, path_, request_, length, response_,
                                                sizeof response_, config_.progressTimeoutMs);
  if (result.status == 401) noteUnauthorized();
  if (result.status == 202 && parseAbortFlag(response_, result.bodyLength)) abortJobId_ = job_.id;
}

bool JobRunner::applyAbort() {
  if (abortJobId_ == 0 || abortJobId_ != job_.id || job_.phase != JobPhase::Running) return false;
  // An item already "starting" in flash whose motor has not run yet (we are
  // before dispense()) is aborted too; after a power cut the boot rule would
  // call it interrupted, which is as true.
  const size_t index = job_.firstUnfinished();
  if (index < job_.itemCount && job_.items[index].status == ItemStatus::Starting) {
    job_.items[index].status = ItemStatus::Pending;
  }
  failAllUnfinished(ItemError::Aborted);
  logLine().text("abort: job=").unsignedNumber(job_.id).text(" items from index=").unsignedNumber(index)
      .text(" failed as aborted; no motor runs");
  emit();
  abortJobId_ = 0;
  persist();
  nextReportAt_ = ports_.clock.nowMs();
  return true;
}

uint32_t JobRunner::dispenseNext() {
  if (applyAbort()) return 0;
  const size_t index = job_.firstUnfinished();
  if (index == job_.itemCount) {
    job_.phase = JobPhase::Reporting;
    return persist() ? 0 : jittered(config_.backoffMs);
  }
  JobItem& item = job_.items[index];
  item.status = ItemStatus::Starting;
  if (!persist()) {
    // Flash still says Pending (or holds the record before it): the motor
    // must not run until "Starting" is durable.
    item.status = ItemStatus::Pending;
    dirty_ = false;
    return jittered(config_.backoffMs);
  }
  logLine().text("dispensing job=").unsignedNumber(job_.id).text(" position=").unsignedNumber(item.position)
      .text(" frasco=").unsignedNumber(item.frasco).text(" amount_mg=").unsignedNumber(item.amountMg);
  emit();
  postProgress(index);
  if (applyAbort()) return 0;
  const DispenseOutcome outcome = ports_.dispenser.dispense(item.frasco, item.amountMg);
  item.status = outcome.ok ? ItemStatus::Ok : ItemStatus::Failed;
  item.error = outcome.ok ? ItemError::None
                          : (outcome.error == ItemError::None ? ItemError::HardwareFault : outcome.error);
  item.dispensedMg = outcome.dispensedMg;
  item.deviceMs = ports_.clock.nowMs();
  if (job_.allFinished()) job_.phase = JobPhase::Reporting;
  // If this write fails the result stays in RAM (dirty_) and is retried first
  // thing next step; if power goes first, the boot rule reports it interrupted.
  persist();
  logLine().text(outcome.ok ? "dispensed job=" : "dispense failed job=").unsignedNumber(job_.id)
      .text(" position=").unsignedNumber(item.position).text(" dispensed_mg=")
      .unsignedNumber(item.dispensedMg).text(outcome.ok ? "" : " error=").text(itemErrorName(item.error));
  emit();
  postProgress(index);
  if (job_.phase == JobPhase::Reporting) nextReportAt_ = ports_.clock.nowMs();
  return 0;
}

uint32_t JobRunner::report() {
  const uint32_t now = ports_.clock.nowMs();
  if (!timeReached(now, nextReportAt_)) return nextReportAt_ - now;
  if (!ports_.status.wifiConnected()) return kWifiRecheckMs;
  const size_t length = writeCompleteReport(job_, config_.fwVersion, request_, sizeof request_);
  TextBuilder(path_, sizeof path_).text("/devices/me/jobs/").unsignedNumber(job_.id).text("/complete");
  const HttpResult result = ports_.http.request(HttpMethod::Post, path_, request_, length, response_,
                                                sizeof response_, config_.requestTimeoutMs);
  const int status = result.status;
  if (status == 200 || status == 409 || status == 404 || permanentlyRefused(status)) {
    logLine().text(status == 200   ? "report accepted job="
                   : status == 409 ? "report settled (server already has a result) job="
                   : status == 404 ? "report abandoned (job unknown to server) job="
                                   : "report abandoned (refused) job=")
        .unsignedNumber(job_.id).text(" status=").number(status);
    emit();
    finishJob();
    return 0;
  }
  if (status == 401) {
    noteUnauthorized();
    return config_.idleWhenRevokedMs;
  }
  const uint32_t wait = jittered(config_.retryPeriodMs);
  nextReportAt_ = ports_.clock.nowMs() + wait;
  logLine().text("report failed job=").unsignedNumber(job_.id).text(" status=").number(status)
      .text("; retry in ").unsignedNumber(wait).text(" ms");
  emit();
  return wait;
}

void JobRunner::failAllUnfinished(ItemError error) {
  for (size_t i = 0; i < job_.itemCount; ++i) {
    JobItem& item = job_.items[i];
    if (item.status != ItemStatus::Pending) continue;
    item.status = ItemStatus::Failed;
    item.error = error;
    item.dispensedMg = 0;
    item.deviceMs = ports_.clock.nowMs();
  }
  if (job_.allFinished()) job_.phase = JobPhase::Reporting;
}

void JobRunner::finishJob() {
  ++reportsFinished_;
  job_.clear();
  // Erasing is writing the Idle record. If it fails, dirty_ makes the next
  // step retry before any poll; if power goes first, the report is sent
  // again after boot and the server answers it as a replay.
  persist();
}

}  // namespace yaguts
