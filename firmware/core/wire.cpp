#include "wire.h"

#include "bytes.h"
#include "encoding.h"
#include "json_reader.h"
#include "json_writer.h"

namespace yaguts {

namespace {

const char* statusName(ItemStatus status) {
  switch (status) {
    case ItemStatus::Pending: return "pending";
    case ItemStatus::Starting: return "dispensing";
    case ItemStatus::Ok: return "ok";
    case ItemStatus::Failed: return "failed";
  }
  return "failed";
}

/// Reads one element of `items`. False on a syntax error or a value the
/// record cannot hold (position or frasco beyond a byte, missing fields).
bool readItem(JsonReader& r, uint8_t frascoCount, JobItem* item) {
  int64_t position = -1, frasco = -1, amount = -1;
  JsonSpan name;
  if (!r.beginObject()) return false;
  while (r.nextMember(&name)) {
    if (name == "position") {
      if (!r.readInt(&position)) return false;
    } else if (name == "frasco_index") {
      if (!r.readInt(&frasco)) return false;
    } else if (name == "amount_mg") {
      if (!r.readInt(&amount)) return false;
    } else if (!r.skipValue()) {
      return false;
    }
  }
  if (r.failed() || position < 0 || position > 255 || frasco < 0 || frasco > 255) return false;
  item->position = static_cast<uint8_t>(position);
  item->frasco = static_cast<uint8_t>(frasco);
  item->status = ItemStatus::Pending;
  item->error = ItemError::None;
  item->dispensedMg = 0;
  item->deviceMs = 0;
  item->amountMg = 0;
  if (frasco >= frascoCount) {
    item->status = ItemStatus::Failed;
    item->error = ItemError::InvalidFrasco;
  } else if (amount <= 0 || amount > 0xFFFFFFFFll) {
    item->status = ItemStatus::Failed;
    item->error = ItemError::InvalidAmount;
  } else {
    item->amountMg = static_cast<uint32_t>(amount);
  }
  return true;
}

/// Reads the `job` object; `*haveId` tells whether the id was seen even if
/// the items were not usable.
bool readJob(JsonReader& r, uint8_t frascoCount, Job* job, bool* haveId) {
  JsonSpan name;
  bool haveItems = false;
  bool itemsOk = true;
  if (!r.beginObject()) return false;
  while (r.nextMember(&name)) {
    if (name == "id") {
      int64_t id;
      if (!r.readInt(&id)) return false;
      if (id <= 0) return false;
      job->id = static_cast<uint64_t>(id);
      *haveId = true;
    } else if (name == "items") {
      haveItems = true;
      if (!r.beginArray()) return false;
      size_t count = 0;
      while (r.nextElement()) {
        if (count >= kMaxItems) {
          itemsOk = false;
          if (!r.skipValue()) return false;
          continue;
        }
        if (!readItem(r, frascoCount, &job->items[count])) {
          if (r.failed()) return false;
          itemsOk = false;
        }
        ++count;
      }
      if (r.failed()) return false;
      job->itemCount = static_cast<uint8_t>(count > kMaxItems ? kMaxItems : count);
    } else if (!r.skipValue()) {
      return false;
    }
  }
  if (r.failed()) return false;
  // Positions must be a permutation of 0..n-1, or the report would be refused.
  uint32_t seen = 0;
  for (size_t i = 0; itemsOk && i < job->itemCount; ++i) {
    const uint8_t p = job->items[i].position;
    if (p >= job->itemCount || (seen & (1u << p)) != 0) itemsOk = false;
    else seen |= 1u << p;
  }
  return haveItems && itemsOk && job->itemCount > 0;
}

}  // namespace

JobParse parseJobResponse(const char* body, size_t length, uint8_t frascoCount, Job* job,
                          uint32_t* delivery) {
  job->clear();
  int64_t count = 1;
  JsonReader r(body, length);
  JsonSpan name;
  bool haveId = false;
  bool usable = false;
  bool sawJob = false;
  if (r.beginObject()) {
    while (r.nextMember(&name)) {
      if (name == "job" && !sawJob) {
        sawJob = true;
        usable = readJob(r, frascoCount, job, &haveId);
        if (r.failed()) break;
      } else if (name == "delivery") {
        if (!r.readInt(&count)) break;
      } else if (!r.skipValue()) {
        break;
      }
    }
  }
  if (delivery != nullptr) *delivery = count < 1 ? 1u : count > 0xFFFFFFFFll ? 0xFFFFFFFFu : static_cast<uint32_t>(count);
  if (!haveId) {
    job->clear();
    return JobParse::Unreadable;
  }
  if (!usable || r.failed()) {
    const uint64_t id = job->id;
    job->clear();
    job->id = id;
    job->phase = JobPhase::Reporting;
    return JobParse::Malformed;
  }
  job->phase = job->allFinished() ? JobPhase::Reporting : JobPhase::Running;
  return JobParse::Ok;
}

// The fields a progress post and a report entry share, in the same order.
static void writeItemFields(JsonWriter& w, const JobItem& item) {
  w.key("position");
  w.unsignedInteger(item.position);
  w.key("frasco_index");
  w.unsignedInteger(item.frasco);
  w.key("status");
  w.string(statusName(item.status));
  w.key("dispensed_mg");
  w.unsignedInteger(item.dispensedMg);
  if (item.status == ItemStatus::Failed) {
    w.key("error");
    w.string(itemErrorName(item.error));
  }
}

size_t writeProgress(const Job& job, size_t index, char* out, size_t capacity) {
  JsonWriter w(out, capacity);
  w.beginObject();
  writeItemFields(w, job.items[index]);
  w.endObject();
  return w.ok() ? w.length() : 0;
}

size_t writeCompleteReport(const Job& job, const char* fwVersion, char* out, size_t capacity) {
  JsonWriter w(out, capacity);
  w.beginObject();
  w.key("execution_logs");
  w.beginArray();
  for (size_t i = 0; i < job.itemCount; ++i) {
    const JobItem& item = job.items[i];
    // Items without a result (only possible if a caller reports early) are
    // left out: the server counts missing items as failed.
    if (item.status != ItemStatus::Ok && item.status != ItemStatus::Failed) continue;
    w.beginObject();
    writeItemFields(w, item);
    if (item.error != ItemError::Interrupted) {
      w.key("device_ms");
      w.unsignedInteger(item.deviceMs);
    }
    w.endObject();
  }
  w.endArray();
  w.key("fw_version");
  w.string(fwVersion);
  w.endObject();
  return w.ok() ? w.length() : 0;
}

size_t writeHeartbeat(const HeartbeatInfo& info, char* out, size_t capacity) {
  JsonWriter w(out, capacity);
  w.beginObject();
  w.key("fw_version");
  w.string(info.fwVersion);
  w.key("uptime_s");
  w.unsignedInteger(info.uptimeS);
  if (info.hasRssi) {
    w.key("rssi");
    w.integer(info.rssi);
  }
  if (info.hasFreeHeap) {
    w.key("free_heap");
    w.unsignedInteger(info.freeHeap);
  }
  w.endObject();
  return w.ok() ? w.length() : 0;
}

namespace {

/// Copies a JSON string into `out` (NUL-terminated), undoing only the `\/`
/// escape some encoders emit; any other escape or an overflow is refused.
bool copyPlainString(const JsonSpan& span, char* out, size_t capacity) {
  size_t n = 0;
  for (size_t i = 0; i < span.length; ++i) {
    char c = span.data[i];
    if (c == '\\') {
      if (i + 1 >= span.length || span.data[i + 1] != '/') return false;
      c = '/';
      ++i;
    }
    if (n + 1 >= capacity) return false;
    out[n++] = c;
  }
  out[n] = '\0';
  return n > 0;
}

/// Reads the `update` object; false if any field is missing or malformed.
bool readUpdate(JsonReader& r, UpdateOffer* offer) {
  JsonSpan name, value;
  unsigned seen = 0;
  if (!r.beginObject()) return false;
  while (r.nextMember(&name)) {
    if (name == "version" && r.readString(&value)) {
      if (copyPlainString(value, offer->version, sizeof offer->version)) seen |= 1;
    } else if (name == "url" && r.readString(&value)) {
      if (copyPlainString(value, offer->url, sizeof offer->url) && offer->url[0] == '/') seen |= 2;
    } else if (name == "sha256" && r.readString(&value)) {
      if (decodeHex(value.data, value.length, offer->sha256, sizeof offer->sha256)) seen |= 4;
    } else if (name == "size") {
      int64_t size = 0;
      if (r.readInt(&size) && size > 0 && size <= 0xFFFFFFFFll) {
        offer->size = static_cast<uint32_t>(size);
        seen |= 8;
      }
    } else if (name == "signature" && r.readString(&value)) {
      offer->signatureLength = decodeBase64(value.data, value.length, offer->signature, sizeof offer->signature);
      if (offer->signatureLength > 0) seen |= 16;
    } else if (!r.skipValue()) {
      return false;
    }
  }
  return !r.failed() && seen == 31;
}

}  // namespace

bool parseHeartbeatReply(const char* body, size_t length, HeartbeatReply* reply) {
  *reply = HeartbeatReply{};
  JsonReader r(body, length);
  JsonSpan name;
  if (!r.beginObject()) return false;
  while (r.nextMember(&name)) {
    if (name == "abort_job_id") {
      int64_t id = 0;
      if (r.readNull()) continue;
      if (!r.readInt(&id)) break;
      reply->abortJobId = id > 0 ? static_cast<uint64_t>(id) : 0;
    } else if (name == "update") {
      if (r.readNull()) continue;
      reply->hasUpdate = readUpdate(r, &reply->update);
      reply->updateMalformed = !reply->hasUpdate;
      if (r.failed()) break;
    } else if (!r.skipValue()) {
      break;
    }
  }
  if (r.failed()) {
    reply->hasUpdate = false;
    return false;
  }
  return true;
}

bool parseAbortFlag(const char* body, size_t length) {
  JsonReader r(body, length);
  JsonSpan name;
  bool abort = false;
  if (!r.beginObject()) return false;
  while (r.nextMember(&name)) {
    if (name == "abort") {
      if (!r.readBool(&abort)) return false;
    } else if (!r.skipValue()) {
      return false;
    }
  }
  return !r.failed() && abort;
}

size_t writeFirmwareStatus(const char* version, const char* state, const char* error, char* out,
                           size_t capacity) {
  JsonWriter w(out, capacity);
  w.beginObject();
  w.key("version");
  w.string(version);
  w.key("state");
  w.string(state);
  w.key("error");
  if (error == nullptr) {
    w.null();
  } else {
    w.string(error);
  }
  w.endObject();
  return w.ok() ? w.length() : 0;
}

}  // namespace yaguts
