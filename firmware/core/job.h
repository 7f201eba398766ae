// A job as the device holds it: what to dispense and, per item, how far it
// got. This is exactly what survives a power cut (see JobRunner for the rules
// that read it back).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "dispensing.h"

namespace yaguts {

/// Item progress. Persisted: append, never renumber.
enum class ItemStatus : uint8_t {
  Pending = 0,   ///< not touched yet: safe to dispense
  Starting = 1,  ///< persisted just before the motor ran: never dispense again
  Ok = 2,
  Failed = 3,
};

/// Where the job is. Persisted: append, never renumber.
enum class JobPhase : uint8_t {
  Idle = 0,       ///< no job: the record is the "erased" state
  Running = 1,    ///< items remain to be dispensed
  Reporting = 2,  ///< every item has a result; the complete report is pending
};

struct JobItem {
  uint8_t position;
  uint8_t frasco;
  ItemStatus status;
  ItemError error;
  uint32_t amountMg;
  uint32_t dispensedMg;
  uint32_t deviceMs;  ///< device clock when the result was known (absent for interrupted items)
};

struct Job {
  JobPhase phase = JobPhase::Idle;
  uint64_t id = 0;
  uint8_t itemCount = 0;
  /// Persisted beside every record (not a job property): the store was found
  /// lost at a boot and no poll has been answered since, so a job the server
  /// hands back may already have run motors. Survives reboots until cleared.
  bool storeLost = false;
  JobItem items[kMaxItems];

  void clear();
  /// Index of the first item without a result (Pending or Starting), or itemCount.
  size_t firstUnfinished() const;
  bool allFinished() const { return firstUnfinished() == itemCount; }
};

/// Binary form of a Job inside a RecordStore frame (little-endian):
///   u8 format, u8 phase, u8 itemCount, u8 storeLost (0/1), u64 jobId,
///   then itemCount × {u8 position, u8 frasco, u8 status, u8 error,
///                     u32 amountMg, u32 dispensedMg, u32 deviceMs}.
/// The per-item results are the execution log; at 32 items it is 512 bytes,
/// well inside kExecutionLogCapacity.
namespace job_codec {
constexpr size_t kHeaderSize = 12;
constexpr size_t kItemSize = 16;
constexpr size_t kMaxSize = kHeaderSize + kMaxItems * kItemSize;
static_assert(kMaxItems * kItemSize <= kExecutionLogCapacity, "execution log exceeds its budget");

/// Returns bytes written (always <= kMaxSize).
size_t encode(const Job& job, uint8_t* out);
/// False if the bytes are not a job this firmware understands.
bool decode(const uint8_t* in, size_t length, Job* job);
}  // namespace job_codec

}  // namespace yaguts
