// Compile-time limits of the dispenser core. Every buffer the core uses is sized
// here, so the RAM a device needs is known before it boots.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace yaguts {

/// Items in one job (the wire contract allows 1..32).
constexpr size_t kMaxItems = 32;
/// Frascos on one device (the wire contract allows 1..16).
constexpr size_t kMaxFrascos = 16;
/// Largest persisted job record, frame header included.
constexpr size_t kJobRecordCapacity = 4096;
/// Bytes of the execution log (per-item results) inside a job record.
constexpr size_t kExecutionLogCapacity = 2048;
/// Largest HTTP response body the device accepts (a job is ~3 KiB at 32 items).
constexpr size_t kResponseCapacity = 8192;
/// Largest HTTP request body the device sends: a complete report of 32
/// items, every field at its widest, is ~4.1 KiB.
constexpr size_t kRequestCapacity = 5120;
/// Longest log line the core emits.
constexpr size_t kLogLineCapacity = 160;

}  // namespace yaguts
