#include "job.h"

#include "bytes.h"

namespace yaguts {

namespace {
constexpr uint8_t kFormat = 1;
}

void Job::clear() {
  phase = JobPhase::Idle;
  id = 0;
  itemCount = 0;
}

size_t Job::firstUnfinished() const {
  for (size_t i = 0; i < itemCount; ++i) {
    if (items[i].status == ItemStatus::Pending || items[i].status == ItemStatus::Starting) return i;
  }
  return itemCount;
}

namespace job_codec {

size_t encode(const Job& job, uint8_t* out) {
  const size_t count = job.itemCount > kMaxItems ? kMaxItems : job.itemCount;
  out[0] = kFormat;
  out[1] = static_cast<uint8_t>(job.phase);
  out[2] = static_cast<uint8_t>(count);
  out[3] = job.storeLost ? 1 : 0;
  putU64(out + 4, job.id);
  uint8_t* p = out + kHeaderSize;
  for (size_t i = 0; i < count; ++i, p += kItemSize) {
    const JobItem& item = job.items[i];
    p[0] = item.position;
    p[1] = item.frasco;
    p[2] = static_cast<uint8_t>(item.status);
    p[3] = static_cast<uint8_t>(item.error);
    putU32(p + 4, item.amountMg);
    putU32(p + 8, item.dispensedMg);
    putU32(p + 12, item.deviceMs);
  }
  return kHeaderSize + count * kItemSize;
}

bool decode(const uint8_t* in, size_t length, Job* job) {
  if (length < kHeaderSize || in[0] != kFormat || in[1] > 2 || in[2] > kMaxItems || in[3] > 1) return false;
  const size_t count = in[2];
  if (length != kHeaderSize + count * kItemSize) return false;
  job->phase = static_cast<JobPhase>(in[1]);
  job->itemCount = static_cast<uint8_t>(count);
  job->id = getU64(in + 4);
  job->storeLost = in[3] == 1;
  const uint8_t* p = in + kHeaderSize;
  for (size_t i = 0; i < count; ++i, p += kItemSize) {
    if (p[2] > 3 || p[3] > kLastItemError) return false;
    JobItem& item = job->items[i];
    item.position = p[0];
    item.frasco = p[1];
    item.status = static_cast<ItemStatus>(p[2]);
    item.error = static_cast<ItemError>(p[3]);
    item.amountMg = getU32(p + 4);
    item.dispensedMg = getU32(p + 8);
    item.deviceMs = getU32(p + 12);
  }
  return true;
}

}  // namespace job_codec
}  // namespace yaguts
