// Fakes of every port of the core, for the host tests: flash that can lose
// power at the Nth write (tearing it), a server speaking the device protocol
// with injectable faults, hardware that remembers every bottle it dispensed,
// and a clock that only moves when told. Test-only: these use the heap.
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "../core/dispensing.h"
#include "../core/ota.h"
#include "../core/platform.h"

namespace yaguts::fakes {

/// Shared by every fake: when it goes off, flash, network and motors stop.
struct Power {
  bool on = true;
};

class FakeClock final : public Clock {
 public:
  uint32_t nowMs() override { return now; }
  void sleepMs(uint32_t ms) override { now += ms; }
  uint32_t now = 1000;
};

/// How a power cut at a write leaves the slot being written.
enum class CutMode { BeforeWrite, Torn, AfterWrite };

class FakeFlash final : public KeyValueStore {
 public:
  explicit FakeFlash(Power& power) : power_(power) {}
  bool get(const char* key, uint8_t* out, size_t capacity, size_t* length) override;
  bool put(const char* key, const uint8_t* data, size_t length) override;

  /// Global (across reboots) 1-based write numbers at which power is cut.
  std::set<int> cutAt;
  CutMode mode = CutMode::Torn;
  /// Writes that fail (without a power cut) before succeeding again.
  int failNext = 0;
  /// Global 1-based write numbers at which power is cut and the whole store
  /// is lost (the Arduino core erases NVS on ESP_ERR_NVS_NO_FREE_PAGES; a
  /// rollback leaves a format the firmware cannot read): both slots gone.
  std::set<int> wipeAt;
  /// Global 1-based write numbers that fail without a power cut.
  std::set<int> failAt;
  int writes = 0;
  std::map<std::string, std::vector<uint8_t>> cells;

 private:
  Power& power_;
};

struct Dispensed {
  uint8_t frasco;
  uint32_t amountMg;
  bool complete;  ///< false: power was cut while the motor ran
};

class FakeHardware final : public Dispenser {
 public:
  FakeHardware(Power& power, FakeClock& clock, uint8_t frascos) : power_(power), clock_(clock), frascos_(frascos) {}
  uint8_t frascoCount() override { return frascos_; }
  DispenseOutcome dispense(uint8_t frasco, uint32_t amountMg) override;

  std::vector<Dispensed> history;  ///< physical truth: survives reboots
  std::set<int> cutDuring;         ///< 1-based dispense numbers at which power is cut mid-motor
  std::set<uint8_t> faulty;        ///< frascos whose motor reports a fault
  uint32_t msPerItem = 500;
  int started = 0;
  /// Called after each motor run that completed (tests use it to act mid-job).
  std::function<void(int started)> afterDispense;

 private:
  Power& power_;
  FakeClock& clock_;
  uint8_t frascos_;
};

class FakeStatus final : public DeviceStatus {
 public:
  bool wifiConnected() override { return wifi; }
  bool rssi(int32_t* dbm) override { *dbm = -61; return true; }
  bool freeHeap(uint32_t*) override { return false; }
  bool wifi = true;
};

class CaptureLog final : public LogSink {
 public:
  void line(const char* text) override { lines.emplace_back(text); }
  bool contains(const std::string& fragment) const;
  std::vector<std::string> lines;
};

/// What can go wrong with one request.
enum class Fault {
  Drop,        ///< never reaches the server: transport error
  LostReply,   ///< the server processes it, the answer is lost: timeout
  ServerError, ///< 503, not processed
  Slow,        ///< answered after slowMs (a timeout, after processing, if slowMs > timeout)
};

struct ServerItem {
  uint8_t frasco;
  uint32_t amountMg;
};

struct ServerJob {
  uint64_t id;
  std::vector<ServerItem> items;
  std::string status = "pending";  ///< pending, running, done, done_partial, failed, deleted
  std::string report;              ///< the first accepted complete body
  uint32_t delivery = 0;           ///< times handed to the device (wire: "delivery")
  bool abortRequested = false;     ///< answered as {"abort":true} to progress posts
};

/// A stand-in for the server's device protocol (wire contract v1).
class FakeServer final : public HttpClient {
 public:
  FakeServer(Power& power, FakeClock& clock) : power_(power), clock_(clock) {}
  HttpResult request(HttpMethod method, const char* path, const char* body, size_t bodyLength,
                     char* response, size_t capacity, uint32_t timeoutMs) override;
  HttpResult download(const char* path, uint32_t from, DownloadSink& sink, uint32_t timeoutMs) override;

  /// Firmware images by URL path, and the offer heartbeats carry ("" = none).
  std::map<std::string, std::vector<uint8_t>> images;
  std::string updateOffer;
  /// Each download attempt delivers at most the front value's bytes, then the connection breaks.
  std::deque<size_t> downloadCuts;
  bool ignoreRange = false;
  int downloads = 0;
  /// Called on each progress post before it is answered (tests act mid-job).
  std::function<void(ServerJob&, const std::string& body)> onProgress;
  std::vector<std::string> firmwareStatuses;  ///< "state version error" per status post
  std::string lastHeartbeatVersion;
  std::string lastHeartbeatBody;

  uint64_t addJob(std::vector<ServerItem> items);
  ServerJob* find(uint64_t id);

  bool down = false;     ///< every request fails as a transport error
  bool revoked = false;  ///< every request gets 401
  std::deque<Fault> faults;          ///< applied to the next requests, any kind
  std::deque<Fault> completeFaults;  ///< applied to the next complete requests only
  uint32_t slowMs = 0;

  std::vector<ServerJob> jobs;
  std::map<uint8_t, int64_t> deducted;  ///< frasco → mg deducted by accepted reports
  int requests = 0, polls = 0, progress = 0, heartbeats = 0, completes = 0, replays = 0;
  std::vector<uint32_t> completeTimes;  ///< clock at each complete attempt not dropped on the way

 private:
  int handle(HttpMethod method, const std::string& path, const std::string& body, std::string* reply,
             uint32_t timeoutMs);
  int complete(ServerJob& job, const std::string& body, std::string* reply);

  Power& power_;
  FakeClock& clock_;
  uint64_t nextId_ = 1;
};

/// Two image slots. An image's version is its first line, "version=X".
class FakeSlots final : public ImageSlots {
 public:
  FakeSlots(Power& power, std::string version) : running(std::move(version)), power_(power) {}
  bool begin(uint32_t size) override;
  bool write(uint32_t offset, const uint8_t* data, size_t length) override;
  bool activate() override;
  void discard() override { staged.clear(); }
  void reboot() override { power_.on = false; }
  bool runningPendingVerify() override { return pending; }
  bool confirm() override;
  void rollback() override;
  /// What the boot loader does at power-on: a pending image booted before
  /// without being confirmed is abandoned for the previous one.
  void bootLoader();

  std::string running;           ///< version of the running image
  std::string previous;
  std::vector<uint8_t> staged;   ///< the inactive slot's bytes
  std::string nextBoot;          ///< version activated for the next boot ("" = none)
  bool pending = false;
  bool bootedPending = false;
  int activations = 0, rollbacks = 0, confirmations = 0;
  uint32_t capacity = 1 << 20;

 private:
  Power& power_;
};

/// SHA-256 from mbedTLS; the "signature" is valid if it equals the digest's first 8 bytes.
class FakeVerifier final : public ImageVerifier {
 public:
  void hashStart() override;
  void hashUpdate(const uint8_t* data, size_t length) override;
  void hashFinish(uint8_t digest[32]) override;
  bool signatureValid(const uint8_t digest[32], const uint8_t* der, size_t length) override;
 private:
  std::vector<uint8_t> data_;
};

}  // namespace yaguts::fakes
