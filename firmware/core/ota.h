// Signed firmware updates with rollback (the portable part).
//
//   check: a heartbeat reply offers {version, url, sha256, size, signature},
//          taken only while no job is in flash and no report is unsent
//   download: GET url with Range: bytes=<received>- into the inactive image
//          slot; a broken connection resumes where it stopped
//   verify: the SHA-256 of the bytes equals the offer's, and the ECDSA P-256
//          signature over that SHA-256 verifies with the provisioned public key
//   install: the slot becomes the boot image (pending verify) ─► reboot
//   pending-verify: the new image polls no job until a heartbeat succeeds ─►
//          confirmed (esp_ota_mark_app_valid_cancel_rollback); no successful
//          heartbeat within confirmDeadlineMs ─► rolled back to the old image
//
// Every step is reported to POST /devices/me/firmware/status (downloading,
// verified, installing, confirmed, failed, rolled_back); a status that must
// survive a reboot (confirmed, rolled_back) is derived from the small record
// kept under the flash key "ota" until the server took it.
//
// An image that fails its hash or signature is never made bootable. A torn
// "ota" record loses at most a status report: the boot loader's rollback,
// not the record, is what protects the device.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "platform.h"
#include "text_builder.h"
#include "wire.h"

namespace yaguts {

/// The two firmware image slots (esp_ota_* on the ESP32, files on the host).
struct ImageSlots {
  /// Prepares the inactive slot for an image of `size` bytes (erases it).
  virtual bool begin(uint32_t size) = 0;
  /// Writes the next bytes; writes arrive in order from offset 0.
  virtual bool write(uint32_t offset, const uint8_t* data, size_t length) = 0;
  /// Makes the written slot the next boot image, in pending-verify state.
  virtual bool activate() = 0;
  /// Drops a partly written slot.
  virtual void discard() = 0;
  /// Restarts the device (does not return on a device).
  virtual void reboot() = 0;
  /// True if the running image was just installed and is not confirmed yet.
  virtual bool runningPendingVerify() = 0;
  /// Keeps the running image for good (cancels the boot loader's rollback).
  virtual bool confirm() = 0;
  /// Marks the running image invalid and boots the previous one (does not return on a device).
  virtual void rollback() = 0;
 protected:
  ~ImageSlots() = default;
};

/// SHA-256 and ECDSA P-256 (mbedTLS on the ESP32 and on the host).
struct ImageVerifier {
  virtual void hashStart() = 0;
  virtual void hashUpdate(const uint8_t* data, size_t length) = 0;
  virtual void hashFinish(uint8_t digest[32]) = 0;
  /// Verifies a DER signature over `digest` with the provisioned public key.
  virtual bool signatureValid(const uint8_t digest[32], const uint8_t* der, size_t length) = 0;
 protected:
  ~ImageVerifier() = default;
};

struct OtaConfig {
  const char* fwVersion = "0.0.0";
  uint32_t confirmDeadlineMs = 300000;  ///< pending image must reach the server within this
  uint32_t retryMs = 5000;              ///< between download attempts
  uint32_t maxAttempts = 30;            ///< download attempts without progress before giving up
  uint32_t failedOfferPauseMs = 3600000;  ///< the same version is not tried again for this long
  uint32_t requestTimeoutMs = 30000;
};

struct OtaPorts {
  KeyValueStore& flash;
  HttpClient& http;
  ImageSlots& slots;
  ImageVerifier& verifier;
  Clock& clock;
  LogSink& log;
};

class OtaAgent final : DownloadSink {
 public:
  enum class State : uint8_t { Idle, Downloading, PendingVerify };

  OtaAgent(const OtaConfig& config, const OtaPorts& ports);

  /// Reads the "ota" record and the slot state. Call once at start-up.
  void boot();
  /// An offer from a heartbeat reply; the caller has no job and no unsent report.
  void offer(const UpdateOffer& update);
  /// A heartbeat got 200: confirms a pending image.
  void heartbeatSucceeded();
  /// True if step() has work now (download, rollback due, a status to send).
  bool hasWork();
  /// The running image waits for its first successful heartbeat: take no job.
  bool pendingVerify() const { return state_ == State::PendingVerify; }
  /// Does one unit of work; returns ms until it is useful again.
  uint32_t step();

  State state() const { return state_; }
  uint32_t received() const { return received_; }

 private:
  enum class Phase : uint8_t { None = 0, Installed = 1, RollingBack = 2 };
  bool accept(const uint8_t* data, size_t length) override;
  uint32_t download();
  void finishDownload();
  void fail(const char* why);
  void queueStatus(const char* state, const char* error);
  bool sendStatus();
  void saveRecord(Phase phase, const char* version);
  Phase loadRecord(char* version, size_t capacity);
  TextBuilder logLine();

  OtaConfig config_;
  OtaPorts ports_;
  State state_ = State::Idle;
  UpdateOffer offer_{};
  uint32_t received_ = 0;
  uint32_t attempts_ = 0;
  uint32_t nextAttemptAt_ = 0;
  uint32_t deadline_ = 0;
  bool sinkFailed_ = false;
  char failedVersion_[32] = {};
  uint32_t failedAt_ = 0;
  // One status waiting to be posted (the latest wins; the server keeps each it got).
  bool statusPending_ = false;
  uint32_t nextStatusAt_ = 0;
  bool clearRecordWhenSent_ = false;
  char statusVersion_[32] = {};
  const char* statusState_ = "";
  char statusError_[96] = {};
  char body_[256];
  char line_[160];
};

}  // namespace yaguts
