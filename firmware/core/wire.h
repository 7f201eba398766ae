// The device side of the wire contract's device protocol: reading the job a
// long poll returns, and writing progress, complete and heartbeat bodies.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "job.h"

namespace yaguts {

enum class JobParse : uint8_t {
  Ok,         ///< `job` holds the job, phase Running (or Reporting if it has no usable items)
  Malformed,  ///< the id was read but the items cannot be executed: `job` is an empty Reporting job
  Unreadable  ///< no job id could be read
};

/// Reads `{"job": {"id": N, "items": [{"position", "frasco_index", "amount_mg"}, ...], ...}}`.
/// Unknown members are skipped. Items the hardware cannot do (a frasco beyond
/// `frascoCount`, an amount beyond 32 bits) become Failed items that will not
/// be dispensed; a job whose items cannot be stored at all is reported with an
/// empty log, which the server counts as every item failed.
/// `*delivery` receives the top-level `delivery` count (1 the first time the
/// server hands the job out, n > 1 when it hands the same running job back;
/// 1 if absent, as from a server that does not count).
JobParse parseJobResponse(const char* body, size_t length, uint8_t frascoCount, Job* job,
                          uint32_t* delivery = nullptr);

/// The write* functions return the body length, or 0 if it did not fit.

/// `{"position", "frasco_index", "status", "dispensed_mg", "error"?}` for item `index`;
/// a Starting item is written as status "dispensing".
size_t writeProgress(const Job& job, size_t index, char* out, size_t capacity);

/// `{"execution_logs": [...], "fw_version"}`. The body is a pure function of
/// the persisted job, so a report retried after a reboot is the same JSON and
/// the server answers it as a replay.
size_t writeCompleteReport(const Job& job, const char* fwVersion, char* out, size_t capacity);

struct HeartbeatInfo {
  const char* fwVersion;
  uint32_t uptimeS;
  bool hasRssi;
  int32_t rssi;
  bool hasFreeHeap;
  uint32_t freeHeap;
};
size_t writeHeartbeat(const HeartbeatInfo& info, char* out, size_t capacity);

/// An update the server offers in a heartbeat reply (see firmware/README.md).
struct UpdateOffer {
  char version[32];
  char url[128];        ///< a path on this server, e.g. /devices/me/firmware/7
  uint8_t sha256[32];
  uint32_t size;
  uint8_t signature[80];  ///< DER ECDSA P-256 (at most 72 bytes)
  size_t signatureLength;
};

struct HeartbeatReply {
  uint64_t abortJobId = 0;  ///< 0: none
  bool hasUpdate = false;   ///< false also when the offer is malformed (see updateMalformed)
  bool updateMalformed = false;
  UpdateOffer update;
};

/// Reads `{"server_time", "update": null|{...}, "abort_job_id": null|N}`.
/// Unknown members are skipped; false only if the body is not a JSON object.
bool parseHeartbeatReply(const char* body, size_t length, HeartbeatReply* reply);

/// Reads a progress reply `{"abort": true|false}`; true only for an explicit true.
bool parseAbortFlag(const char* body, size_t length);

/// `{"version", "state", "error": string|null}` for POST /devices/me/firmware/status.
size_t writeFirmwareStatus(const char* version, const char* state, const char* error, char* out,
                           size_t capacity);

/// Returns 0 from the write* functions means the body did not fit.
}  // namespace yaguts
