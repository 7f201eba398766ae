#include "ota.h"

#include "bytes.h"
#include "crc32.h"

namespace yaguts {

namespace {

constexpr const char* kRecordKey = "ota";
constexpr uint8_t kRecordMagic = 0xA7;

/// Copies a NUL-terminated string, truncating to `capacity`.
void copyText(char* out, size_t capacity, const char* text) {
  size_t n = 0;
  while (text != nullptr && text[n] != '\0' && n + 1 < capacity) {
    out[n] = text[n];
    ++n;
  }
  out[n] = '\0';
}

bool sameText(const char* a, const char* b) {
  const size_t n = cstrLength(a);
  return n == cstrLength(b) && equalBytes(a, b, n);
}

}  // namespace

OtaAgent::OtaAgent(const OtaConfig& config, const OtaPorts& ports) : config_(config), ports_(ports) {}

TextBuilder OtaAgent::logLine() { return TextBuilder(line_, sizeof line_); }

// Record: u8 magic, u8 phase, u8 version length, version bytes, u32 crc32 of the rest.
void OtaAgent::saveRecord(Phase phase, const char* version) {
  uint8_t record[3 + 32 + 4];
  const size_t n = cstrLength(version) < 31 ? cstrLength(version) : 31;
  record[0] = kRecordMagic;
  record[1] = static_cast<uint8_t>(phase);
  record[2] = static_cast<uint8_t>(n);
  copyBytes(record + 3, version, n);
  putU32(record + 3 + n, crc32(0, record, 3 + n));
  ports_.flash.put(kRecordKey, record, 3 + n + 4);
}

OtaAgent::Phase OtaAgent::loadRecord(char* version, size_t capacity) {
  uint8_t record[3 + 32 + 4];
  size_t length = 0;
  version[0] = '\0';
  if (!ports_.flash.get(kRecordKey, record, sizeof record, &length) || length < 7) return Phase::None;
  const size_t n = record[2];
  if (record[0] != kRecordMagic || n > 31 || length != 3 + n + 4 || n + 1 > capacity ||
      getU32(record + 3 + n) != crc32(0, record, 3 + n) || record[1] > 2) {
    return Phase::None;
  }
  copyBytes(version, record + 3, n);
  version[n] = '\0';
  return static_cast<Phase>(record[1]);
}

void OtaAgent::boot() {
  char version[32];
  const Phase phase = loadRecord(version, sizeof version);
  if (ports_.slots.runningPendingVerify()) {
    state_ = State::PendingVerify;
    deadline_ = ports_.clock.nowMs() + config_.confirmDeadlineMs;
    logLine().text("ota: running ").text(config_.fwVersion).text(" pending verify; confirm within ")
        .unsignedNumber(config_.confirmDeadlineMs).text(" ms");
    ports_.log.line(line_);
    return;
  }
  if (phase == Phase::Installed && sameText(version, config_.fwVersion)) {
    // Confirmed before the status got out (or a platform without rollback).
    queueStatus("confirmed", nullptr);
    copyText(statusVersion_, sizeof statusVersion_, version);
    clearRecordWhenSent_ = true;
  } else if (phase == Phase::Installed) {
    queueStatus("rolled_back", "the new image did not start; the boot loader went back");
    copyText(statusVersion_, sizeof statusVersion_, version);
    clearRecordWhenSent_ = true;
  } else if (phase == Phase::RollingBack) {
    queueStatus("rolled_back", "the new image did not reach the server in time");
    copyText(statusVersion_, sizeof statusVersion_, version);
    clearRecordWhenSent_ = true;
  }
  if (statusPending_ && sameText(statusState_, "rolled_back")) {
    // Not offered again at once: the server's rollout rule decides what next.
    copyText(failedVersion_, sizeof failedVersion_, version);
    failedAt_ = ports_.clock.nowMs();
  }
  if (phase != Phase::None) {
    logLine().text("ota: boot after an update to ").text(version).text(": ").text(statusState_)
        .text(" (running ").text(config_.fwVersion).text(")");
    ports_.log.line(line_);
  }
}

void OtaAgent::queueStatus(const char* state, const char* error) {
  statusPending_ = true;
  nextStatusAt_ = ports_.clock.nowMs();
  statusState_ = state;
  copyText(statusVersion_, sizeof statusVersion_, offer_.version);
  copyText(statusError_, sizeof statusError_, error == nullptr ? "" : error);
}

void OtaAgent::offer(const UpdateOffer& update) {
  if (state_ != State::Idle || sameText(update.version, config_.fwVersion)) return;
  if (statusPending_ && clearRecordWhenSent_) return;  // confirmed/rolled_back first
  if (sameText(update.version, failedVersion_) &&
      !timeReached(ports_.clock.nowMs(), failedAt_ + config_.failedOfferPauseMs)) {
    return;
  }
  offer_ = update;
  received_ = 0;
  attempts_ = 0;
  nextAttemptAt_ = ports_.clock.nowMs();
  if (!ports_.slots.begin(offer_.size)) {
    fail("no room for the image");
    return;
  }
  ports_.verifier.hashStart();
  state_ = State::Downloading;
  queueStatus("downloading", nullptr);
  logLine().text("ota: offered ").text(offer_.version).text(" size=").unsignedNumber(offer_.size)
      .text("; downloading");
  ports_.log.line(line_);
}

void OtaAgent::heartbeatSucceeded() {
  if (state_ != State::PendingVerify) return;
  if (!ports_.slots.confirm()) return;  // tried again at the next heartbeat
  state_ = State::Idle;
  copyText(offer_.version, sizeof offer_.version, config_.fwVersion);
  queueStatus("confirmed", nullptr);
  clearRecordWhenSent_ = true;
  logLine().text("ota: ").text(config_.fwVersion).text(" reached the server; confirmed");
  ports_.log.line(line_);
}

bool OtaAgent::hasWork() {
  const uint32_t now = ports_.clock.nowMs();
  if (statusPending_ && timeReached(now, nextStatusAt_)) return true;
  if (state_ == State::Downloading) return timeReached(now, nextAttemptAt_);
  if (state_ == State::PendingVerify) return timeReached(now, deadline_);
  return false;
}

uint32_t OtaAgent::step() {
  const uint32_t now = ports_.clock.nowMs();
  if (state_ == State::PendingVerify && timeReached(now, deadline_)) {
    logLine().text("ota: ").text(config_.fwVersion).text(" did not reach the server within ")
        .unsignedNumber(config_.confirmDeadlineMs).text(" ms; rolling back");
    ports_.log.line(line_);
    saveRecord(Phase::RollingBack, config_.fwVersion);
    ports_.slots.rollback();
    return 0;
  }
  if (statusPending_ && timeReached(now, nextStatusAt_) && sendStatus()) return 0;
  if (state_ == State::Downloading && timeReached(now, nextAttemptAt_)) return download();
  return config_.retryMs;
}

bool OtaAgent::accept(const uint8_t* data, size_t length) {
  if (length > offer_.size - received_ || !ports_.slots.write(received_, data, length)) {
    sinkFailed_ = true;
    return false;
  }
  ports_.verifier.hashUpdate(data, length);
  received_ += static_cast<uint32_t>(length);
  return true;
}

uint32_t OtaAgent::download() {
  const uint32_t before = received_;
  sinkFailed_ = false;
  const HttpResult result = ports_.http.download(offer_.url, received_, *this, config_.requestTimeoutMs);
  if (received_ == offer_.size) {
    finishDownload();
    return 0;
  }
  if (sinkFailed_) {
    fail(received_ < offer_.size ? "image slot write failed" : "server sent more than the offered size");
    return config_.retryMs;
  }
  if (result.status == 404 || result.status == 401 || result.status == 403) {
    fail("image not available");
    return config_.retryMs;
  }
  if (result.status == 200 && before > 0) {
    // The server ignored Range: start over from byte 0.
    ports_.slots.discard();
    if (!ports_.slots.begin(offer_.size)) {
      fail("no room for the image");
      return config_.retryMs;
    }
    ports_.verifier.hashStart();
    received_ = 0;
  }
  attempts_ = received_ > before ? 0 : attempts_ + 1;
  logLine().text("ota: download of ").text(offer_.version).text(" stopped at ").unsignedNumber(received_)
      .text("/").unsignedNumber(offer_.size).text(" status=").number(result.status).text("; resuming");
  ports_.log.line(line_);
  if (attempts_ >= config_.maxAttempts) {
    fail("download made no progress");
    return config_.retryMs;
  }
  nextAttemptAt_ = ports_.clock.nowMs() + config_.retryMs;
  return config_.retryMs;
}

void OtaAgent::finishDownload() {
  uint8_t digest[32];
  ports_.verifier.hashFinish(digest);
  if (!equalBytes(digest, offer_.sha256, sizeof digest)) {
    fail("sha256 mismatch");
    return;
  }
  if (!ports_.verifier.signatureValid(digest, offer_.signature, offer_.signatureLength)) {
    fail("bad signature");
    return;
  }
  queueStatus("verified", nullptr);
  sendStatus();
  logLine().text("ota: ").text(offer_.version).text(" verified (sha256 and signature); installing");
  ports_.log.line(line_);
  if (!ports_.slots.activate()) {
    fail("could not make the image bootable");
    return;
  }
  queueStatus("installing", nullptr);
  sendStatus();
  // Written after activate(): if power goes in between, the boot finds a
  // pending image but no record, and confirms or rolls back all the same.
  saveRecord(Phase::Installed, offer_.version);
  logLine().text("ota: rebooting into ").text(offer_.version);
  ports_.log.line(line_);
  state_ = State::Idle;
  ports_.slots.reboot();
}

void OtaAgent::fail(const char* why) {
  logLine().text("ota: update to ").text(offer_.version).text(" failed: ").text(why);
  ports_.log.line(line_);
  ports_.slots.discard();
  copyText(failedVersion_, sizeof failedVersion_, offer_.version);
  failedAt_ = ports_.clock.nowMs();
  state_ = State::Idle;
  queueStatus("failed", why);
}

bool OtaAgent::sendStatus() {
  const size_t length = writeFirmwareStatus(statusVersion_, statusState_,
                                            statusError_[0] == '\0' ? nullptr : statusError_, body_,
                                            sizeof body_);
  // Only the status matters; the 202's body (the server's attempt record,
  // ~300 bytes plus the error text) is not read, so its size cannot turn a
  // delivered report into a retry loop.
  const HttpResult result = ports_.http.request(HttpMethod::Post, "/devices/me/firmware/status", body_,
                                                length, nullptr, 0, config_.requestTimeoutMs);
  // 2xx taken; 4xx will never be taken (an older server without the route
  // answers 404): either way it is done. Network errors and 5xx: later.
  if (result.status < 200 || result.status >= 500) {
    nextStatusAt_ = ports_.clock.nowMs() + config_.retryMs;
    return false;
  }
  statusPending_ = false;
  if (clearRecordWhenSent_) {
    clearRecordWhenSent_ = false;
    saveRecord(Phase::None, "");
  }
  return true;
}

}  // namespace yaguts
