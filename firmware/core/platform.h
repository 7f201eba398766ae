// The ports through which the core touches the world. The Arduino layer binds
// them to NVS, HTTPClient, GPIO and millis(); the host binds them to files,
// POSIX sockets and a simulated motor; the tests bind them to fakes that can
// cut power, drop packets and move time by hand.
//
// All calls are synchronous and made from the single thread that drives
// JobRunner::step(). None of them may allocate on the caller's behalf.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace yaguts {

/// Monotonic milliseconds since boot (wraps after ~49 days; compare with
/// timeReached()). sleepMs() is the only way the core waits, so a fake clock
/// makes every test deterministic.
struct Clock {
  virtual uint32_t nowMs() = 0;
  virtual void sleepMs(uint32_t ms) = 0;
 protected:
  ~Clock() = default;
};

/// Key-value flash (NVS on the ESP32). A put() may be torn by a power cut:
/// afterwards the key may hold the old value, the new one, or garbage. The core
/// never relies on a single put() being atomic (see RecordStore).
struct KeyValueStore {
  /// Copies the value of `key` into `out`. False if absent or larger than `capacity`.
  virtual bool get(const char* key, uint8_t* out, size_t capacity, size_t* length) = 0;
  /// True once the value is durable.
  virtual bool put(const char* key, const uint8_t* data, size_t length) = 0;
 protected:
  ~KeyValueStore() = default;
};

enum class HttpMethod : uint8_t { Get, Post };

/// Receives a downloaded body piece by piece, in order.
struct DownloadSink {
  /// False stops the download (the bytes given are then not counted).
  virtual bool accept(const uint8_t* data, size_t length) = 0;
 protected:
  ~DownloadSink() = default;
};

/// Negative HttpResult::status values: the request got no HTTP answer.
enum HttpFailure : int {
  kHttpTransportError = -1,  ///< connect/send/receive failed (Wi-Fi down, server gone)
  kHttpTimeout = -2,         ///< no complete answer within the timeout
  kHttpResponseTooLarge = -3,
  kHttpBadRange = -4,  ///< a 206 whose Content-Range does not start where asked
};

struct HttpResult {
  int status;         ///< HTTP status, or an HttpFailure
  size_t bodyLength;  ///< bytes of body copied into the caller's buffer
};

/// HTTP to the one server this device belongs to. The implementation owns the
/// base URL and adds `Authorization: Bearer <device token>` and, with a body,
/// `Content-Type: application/json`.
struct HttpClient {
  /// A null `response` means the caller needs only the status: the body is
  /// read and dropped (a firmware status report's 202 carries the server's
  /// whole attempt record, longer than any buffer the device would spare).
  virtual HttpResult request(HttpMethod method, const char* path, const char* body,
                             size_t bodyLength, char* response, size_t responseCapacity,
                             uint32_t timeoutMs) = 0;
  /// GET `path` with `Range: bytes=<from>-` and streams the body into `sink`.
  /// The body is streamed only for a 206 whose Content-Range starts at `from`
  /// (or a 200 when `from` is 0). `bodyLength` is the count of bytes the sink
  /// accepted, also when the connection broke mid-way (status then negative):
  /// the caller resumes from there.
  virtual HttpResult download(const char* path, uint32_t from, DownloadSink& sink,
                              uint32_t timeoutMs) = 0;
 protected:
  ~HttpClient() = default;
};

/// Network and health facts for the heartbeat; optional values return false.
struct DeviceStatus {
  virtual bool wifiConnected() = 0;
  virtual bool rssi(int32_t* dbm) = 0;
  virtual bool freeHeap(uint32_t* bytes) = 0;
 protected:
  ~DeviceStatus() = default;
};

/// Receives one finished, NUL-terminated log line at a time.
struct LogSink {
  virtual void line(const char* text) = 0;
 protected:
  ~LogSink() = default;
};

}  // namespace yaguts
