#include "fakes.h"

#include <cstring>

#include "../crypto/mbedtls_image_verifier.h"

#include "../core/json_reader.h"

namespace yaguts::fakes {

bool FakeFlash::get(const char* key, uint8_t* out, size_t capacity, size_t* length) {
  auto it = cells.find(key);
  if (it == cells.end() || it->second.size() > capacity) return false;
  if (!it->second.empty()) std::memcpy(out, it->second.data(), it->second.size());
  *length = it->second.size();
  return true;
}

bool FakeFlash::put(const char* key, const uint8_t* data, size_t length) {
  if (!power_.on) return false;
  ++writes;
  if (wipeAt.count(writes) != 0) {
    cells.clear();
    power_.on = false;
    return false;
  }
  if (cutAt.count(writes) != 0) {
    std::vector<uint8_t>& cell = cells[key];
    if (mode == CutMode::Torn) {
      // Half of the new bytes landed; the rest is erased flash.
      std::vector<uint8_t> torn(data, data + length);
      for (size_t i = length / 2; i < length; ++i) torn[i] = 0xFF;
      cell = torn;
    } else if (mode == CutMode::AfterWrite) {
      cell.assign(data, data + length);
    }
    power_.on = false;
    return false;
  }
  if (failAt.count(writes) != 0) return false;
  if (failNext > 0) {
    --failNext;
    return false;
  }
  cells[key].assign(data, data + length);
  return true;
}

DispenseOutcome FakeHardware::dispense(uint8_t frasco, uint32_t amountMg) {
  if (!power_.on) return {false, 0, ItemError::HardwareFault};
  ++started;
  if (cutDuring.count(started) != 0) {
    history.push_back({frasco, amountMg, false});
    clock_.sleepMs(msPerItem / 2);
    power_.on = false;
    return {false, 0, ItemError::HardwareFault};
  }
  if (frasco >= frascos_) return {false, 0, ItemError::InvalidFrasco};
  if (faulty.count(frasco) != 0) return {false, 0, ItemError::HardwareFault};
  clock_.sleepMs(msPerItem);
  history.push_back({frasco, amountMg, true});
  if (afterDispense) afterDispense(started);
  return {true, amountMg, ItemError::None};
}

bool CaptureLog::contains(const std::string& fragment) const {
  for (const auto& l : lines) {
    if (l.find(fragment) != std::string::npos) return true;
  }
  return false;
}

uint64_t FakeServer::addJob(std::vector<ServerItem> items) {
  ServerJob job;
  job.id = nextId_;
  job.items = std::move(items);
  jobs.push_back(std::move(job));
  return nextId_++;
}

ServerJob* FakeServer::find(uint64_t id) {
  for (auto& job : jobs) {
    if (job.id == id) return &job;
  }
  return nullptr;
}

HttpResult FakeServer::request(HttpMethod method, const char* path, const char* body,
                               size_t bodyLength, char* response, size_t capacity,
                               uint32_t timeoutMs) {
  if (!power_.on || down) return {kHttpTransportError, 0};
  const std::string p(path);
  const bool isComplete = p.find("/complete") != std::string::npos;
  Fault fault{};
  bool faulted = false;
  if (isComplete && !completeFaults.empty()) {
    fault = completeFaults.front();
    completeFaults.pop_front();
    faulted = true;
  } else if (!faults.empty()) {
    fault = faults.front();
    faults.pop_front();
    faulted = true;
  }
  if (faulted && fault == Fault::Drop) return {kHttpTransportError, 0};
  if (isComplete) completeTimes.push_back(clock_.now);
  if (faulted && fault == Fault::ServerError) {
    ++requests;
    return {503, 0};
  }
  ++requests;
  std::string reply;
  const int status = handle(method, p, std::string(body == nullptr ? "" : body, bodyLength), &reply, timeoutMs);
  if (faulted && fault == Fault::LostReply) return {kHttpTimeout, 0};
  if (faulted && fault == Fault::Slow) {
    if (slowMs > timeoutMs) {
      clock_.sleepMs(timeoutMs);
      return {kHttpTimeout, 0};
    }
    clock_.sleepMs(slowMs);
  }
  if (response == nullptr) return {status, 0};
  if (reply.size() > capacity) return {kHttpResponseTooLarge, 0};
  if (!reply.empty()) std::memcpy(response, reply.data(), reply.size());
  return {status, reply.size()};
}

int FakeServer::handle(HttpMethod method, const std::string& path, const std::string& body,
                       std::string* reply, uint32_t timeoutMs) {
  if (revoked) return 401;
  if (method == HttpMethod::Post && path == "/devices/me/heartbeat") {
    ++heartbeats;
    std::string abortId = "null";
    for (const auto& job : jobs) {
      if (job.status == "running" && job.abortRequested) abortId = std::to_string(job.id);
    }
    lastHeartbeatBody = body;
    const size_t at = body.find("\"fw_version\":\"");
    if (at != std::string::npos) {
      lastHeartbeatVersion = body.substr(at + 14, body.find('"', at + 14) - at - 14);
    }
    const bool offer = !updateOffer.empty() && updateOffer.find("\"" + lastHeartbeatVersion + "\"") == std::string::npos;
    *reply = "{\"server_time\":\"2024-01-01T00:00:00Z\",\"update\":" + (offer ? updateOffer : std::string("null")) +
             ",\"abort_job_id\":" + abortId + "}";
    return 200;
  }
  if (method == HttpMethod::Get && path.rfind("/devices/me/jobs/next", 0) == 0) {
    ++polls;
    ServerJob* chosen = nullptr;
    for (auto& job : jobs) {
      if (job.status == "running") { chosen = &job; break; }
    }
    if (chosen == nullptr) {
      for (auto& job : jobs) {
        if (job.status == "pending") { chosen = &job; break; }
      }
    }
    if (chosen == nullptr) {
      // An empty long poll holds the device for its whole wait.
      const size_t at = path.find("wait=");
      const uint32_t wait = at == std::string::npos ? 0 : std::stoul(path.substr(at + 5));
      clock_.sleepMs(wait * 1000 < timeoutMs ? wait * 1000 : timeoutMs);
      return 204;
    }
    chosen->status = "running";
    ++chosen->delivery;
    std::string items;
    for (size_t i = 0; i < chosen->items.size(); ++i) {
      if (i > 0) items += ",";
      items += "{\"position\":" + std::to_string(i) + ",\"frasco_index\":" +
               std::to_string(chosen->items[i].frasco) + ",\"amount_mg\":" +
               std::to_string(chosen->items[i].amountMg) + ",\"status\":\"pending\",\"dispensed_mg\":0}";
    }
    *reply = "{\"job\":{\"id\":" + std::to_string(chosen->id) +
             ",\"device_id\":7,\"status\":\"running\",\"items\":[" + items +
             "],\"created_at\":\"2024-01-01T00:00:00Z\",\"started_at\":null,\"completed_at\":null},"
             "\"delivery\":" + std::to_string(chosen->delivery) + "}";
    return 200;
  }
  if (method == HttpMethod::Post && path == "/devices/me/firmware/status") {
    JsonReader r(body.data(), body.size());
    JsonSpan name, value;
    std::string state, version, error;
    r.beginObject();
    while (r.nextMember(&name)) {
      if (r.readNull()) continue;
      if (name == "state" && r.readString(&value)) state.assign(value.data, value.length);
      else if (name == "version" && r.readString(&value)) version.assign(value.data, value.length);
      else if (name == "error" && r.readString(&value)) error.assign(value.data, value.length);
    }
    firmwareStatuses.push_back(state + " " + version + (error.empty() ? "" : " " + error));
    // The real server answers with the attempt as stored (docs/api.md §12):
    // ~300 bytes plus the error text, more than a device would buffer.
    *reply = "{\"attempt\":{\"deadline_at\":\"2024-01-01T00:15:00.000Z\",\"device_id\":1,\"error\":" +
             (error.empty() ? std::string("null") : "\"" + error + "\"") +
             ",\"finished_at\":null,\"firmware_id\":1,\"from_version\":\"1.0.0\",\"id\":" +
             std::to_string(firmwareStatuses.size()) + ",\"rollout_id\":1,\"started_at\":\"2024-01-01T00:00:00.000Z\","
             "\"state\":\"" + state + "\",\"updated_at\":\"2024-01-01T00:00:00.000Z\",\"version\":\"" + version + "\"}}";
    return 202;
  }
  const std::string prefix = "/devices/me/jobs/";
  if (method == HttpMethod::Post && path.rfind(prefix, 0) == 0) {
    const size_t slash = path.find('/', prefix.size());
    if (slash == std::string::npos) return 404;
    const uint64_t id = std::stoull(path.substr(prefix.size(), slash - prefix.size()));
    const std::string action = path.substr(slash + 1);
    ServerJob* job = find(id);
    if (job == nullptr || job->status == "deleted") return 404;
    if (action == "progress") {
      ++progress;
      if (onProgress) onProgress(*job, body);
      *reply = job->abortRequested && job->status == "running" ? "{\"abort\":true}" : "{\"abort\":false}";
      return 202;
    }
    if (action == "complete") return complete(*job, body, reply);
  }
  return 404;
}

HttpResult FakeServer::download(const char* path, uint32_t from, DownloadSink& sink, uint32_t) {
  if (!power_.on || down) return {kHttpTransportError, 0};
  ++downloads;
  auto it = images.find(path);
  if (revoked) return {401, 0};
  if (it == images.end()) return {404, 0};
  const std::vector<uint8_t>& image = it->second;
  const uint32_t start = ignoreRange ? 0 : from;
  if (start >= image.size()) return {416, 0};
  if (ignoreRange && from > 0) return {200, 0};
  size_t limit = image.size() - start;
  bool cut = false;
  if (!downloadCuts.empty()) {
    if (downloadCuts.front() < limit) {
      limit = downloadCuts.front();
      cut = true;
    }
    downloadCuts.pop_front();
  }
  size_t given = 0;
  // In pieces, as a socket delivers them.
  while (given < limit) {
    const size_t n = std::min<size_t>(700, limit - given);
    if (!sink.accept(image.data() + start + given, n)) return {start == 0 && !ignoreRange ? 206 : 206, given};
    given += n;
  }
  return {cut ? kHttpTransportError : 206, given};
}

int FakeServer::complete(ServerJob& job, const std::string& body, std::string* reply) {
  ++completes;
  if (!job.report.empty()) {
    // Byte equality stands in for the server's JSON equality: the device's
    // report is a pure function of its record, so equal JSON is equal bytes.
    if (body == job.report) {
      ++replays;
      *reply = "{\"job_id\":" + std::to_string(job.id) + ",\"replayed\":true}";
      return 200;
    }
    *reply = "{\"error\":{\"code\":\"conflict\",\"message\":\"already completed\"}}";
    return 409;
  }
  JsonReader r(body.data(), body.size());
  JsonSpan name;
  std::map<uint8_t, int64_t> deduct;
  size_t ok = 0;
  std::set<int64_t> seen;
  if (!r.beginObject()) return 400;
  while (r.nextMember(&name)) {
    if (!(name == "execution_logs")) {
      if (!r.skipValue()) return 400;
      continue;
    }
    if (!r.beginArray()) return 400;
    while (r.nextElement()) {
      int64_t position = -1, frasco = -1, mg = -1;
      bool isOk = false;
      if (!r.beginObject()) return 400;
      while (r.nextMember(&name)) {
        JsonSpan value;
        if (name == "position") r.readInt(&position);
        else if (name == "frasco_index") r.readInt(&frasco);
        else if (name == "dispensed_mg") r.readInt(&mg);
        else if (name == "status") { r.readString(&value); isOk = value == "ok"; }
        else r.skipValue();
      }
      if (r.failed() || position < 0 || position >= static_cast<int64_t>(job.items.size()) ||
          frasco != job.items[position].frasco || mg < 0 ||
          !seen.insert(position).second) {
        return 422;
      }
      if (isOk) {
        ++ok;
        deduct[static_cast<uint8_t>(frasco)] += mg;
      }
    }
  }
  if (r.failed()) return 400;
  for (const auto& [frasco, mg] : deduct) deducted[frasco] += mg;
  job.report = body;
  job.status = ok == job.items.size() ? "done" : ok == 0 ? "failed" : "done_partial";
  *reply = "{\"job_id\":" + std::to_string(job.id) + ",\"status\":\"" + job.status + "\",\"replayed\":false}";
  return 200;
}

}  // namespace yaguts::fakes

namespace yaguts::fakes {

bool FakeSlots::begin(uint32_t size) {
  staged.clear();
  return size <= capacity;
}

bool FakeSlots::write(uint32_t offset, const uint8_t* data, size_t length) {
  if (offset != staged.size()) return false;
  staged.insert(staged.end(), data, data + length);
  return true;
}

bool FakeSlots::activate() {
  const std::string text(staged.begin(), staged.end());
  if (text.rfind("version=", 0) != 0) return false;
  nextBoot = text.substr(8, text.find('\n') - 8);
  ++activations;
  return true;
}

bool FakeSlots::confirm() {
  pending = false;
  ++confirmations;
  return true;
}

void FakeSlots::rollback() {
  ++rollbacks;
  running = previous;
  pending = false;
  bootedPending = false;
  power_.on = false;
}

void FakeSlots::bootLoader() {
  if (!nextBoot.empty()) {
    previous = running;
    running = nextBoot;
    nextBoot.clear();
    pending = true;
    bootedPending = true;
    return;
  }
  if (pending && bootedPending) {
    // Booted pending once and never confirmed: the boot loader goes back.
    ++rollbacks;
    running = previous;
    pending = false;
  }
  if (pending) bootedPending = true;
}

void FakeVerifier::hashStart() { data_.clear(); }

void FakeVerifier::hashUpdate(const uint8_t* data, size_t length) { data_.insert(data_.end(), data, data + length); }

void FakeVerifier::hashFinish(uint8_t digest[32]) {
  MbedtlsImageVerifier sha;  // the real hash; only the signature is faked
  sha.hashStart();
  sha.hashUpdate(data_.data(), data_.size());
  sha.hashFinish(digest);
}

bool FakeVerifier::signatureValid(const uint8_t digest[32], const uint8_t* der, size_t length) {
  return length == 8 && std::memcmp(digest, der, 8) == 0;
}

}  // namespace yaguts::fakes
