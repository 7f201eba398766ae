// The OTA state machine against the fake server and fake image slots:
// resume after broken downloads, hash and signature refusals, install,
// confirm after the first heartbeat, rollback when the new image never
// reaches the server, never during a job.
#include <algorithm>
#include <string>

#include "../core/encoding.h"
#include "../crypto/mbedtls_image_verifier.h"
#include "check.h"
#include "rig.h"

using namespace rig;

namespace {

std::vector<uint8_t> makeImage(const std::string& version, size_t size) {
  std::string text = "version=" + version + "\n";
  std::vector<uint8_t> image(text.begin(), text.end());
  for (size_t i = image.size(); i < size; ++i) image.push_back(static_cast<uint8_t>(i * 131 + 7));
  return image;
}

std::string base64(const uint8_t* data, size_t n) {
  static const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = static_cast<uint32_t>(data[i]) << 16;
    if (i + 1 < n) v |= static_cast<uint32_t>(data[i + 1]) << 8;
    if (i + 2 < n) v |= data[i + 2];
    out += a[v >> 18 & 63];
    out += a[v >> 12 & 63];
    out += i + 1 < n ? a[v >> 6 & 63] : '=';
    out += i + 2 < n ? a[v & 63] : '=';
  }
  return out;
}

/// Publishes `image` as version `version` and offers it in heartbeats. The
/// fake signature is the digest's first 8 bytes (`badSignature` flips one).
void publish(Device& d, const std::string& version, const std::vector<uint8_t>& image,
             bool badSignature = false) {
  MbedtlsImageVerifier sha;
  uint8_t digest[32];
  sha.hashStart();
  sha.hashUpdate(image.data(), image.size());
  sha.hashFinish(digest);
  char hex[65];
  for (int i = 0; i < 32; ++i) std::snprintf(hex + 2 * i, 3, "%02x", digest[i]);
  uint8_t signature[8];
  std::copy(digest, digest + 8, signature);
  if (badSignature) signature[3] ^= 1;
  const std::string url = "/devices/me/firmware/" + version;
  d.server.images[url] = image;
  d.server.updateOffer = "{\"version\":\"" + version + "\",\"url\":\"" + url + "\",\"sha256\":\"" + hex +
                         "\",\"size\":" + std::to_string(image.size()) + ",\"signature\":\"" +
                         base64(signature, 8) + "\"}";
}

bool hasStatus(const Device& d, const std::string& prefix) {
  return std::any_of(d.server.firmwareStatuses.begin(), d.server.firmwareStatuses.end(),
                     [&](const std::string& s) { return s.rfind(prefix, 0) == 0; });
}

}  // namespace

TEST(ota_downloads_with_resume_installs_and_confirms) {
  Device d;
  publish(d, "2.0.0", makeImage("2.0.0", 20000));
  d.server.downloadCuts = {1500, 0, 7000};  // two broken connections and one that sends nothing
  d.boot();
  CHECK(d.runUntil([&] { return d.slots.confirmations == 1 && !d.server.firmwareStatuses.empty() &&
                                d.server.firmwareStatuses.back() == "confirmed 2.0.0"; }, 400));
  CHECK(d.slots.running == "2.0.0");
  CHECK_EQ(d.server.downloads, 4);
  CHECK(d.log.contains("ota: download of 2.0.0 stopped at 1500/20000"));
  CHECK(d.log.contains("ota: download of 2.0.0 stopped at 8500/20000"));
  CHECK(hasStatus(d, "downloading 2.0.0") && hasStatus(d, "verified 2.0.0") && hasStatus(d, "installing 2.0.0"));
  CHECK(d.server.lastHeartbeatVersion == "2.0.0");
  CHECK_EQ(d.slots.rollbacks, 0);
  // A later boot finds nothing to report: the record was cleared.
  const size_t statuses = d.server.firmwareStatuses.size();
  d.boot();
  for (int i = 0; i < 5; ++i) d.step();
  CHECK_EQ(d.server.firmwareStatuses.size(), statuses);
}

TEST(ota_second_update_follows_a_confirmed_one_and_each_status_is_posted_once) {
  // The server answers each status with its attempt record (~300 bytes, more
  // than a reply buffer): a device that needed the body re-posted "confirmed"
  // for ever and never took the next offer.
  Device d;
  publish(d, "2.0.0", makeImage("2.0.0", 5000));
  d.boot();
  CHECK(d.runUntil([&] { return d.slots.confirmations == 1 && hasStatus(d, "confirmed 2.0.0"); }, 400));
  publish(d, "2.1.0", makeImage("2.1.0", 5000));
  CHECK(d.runUntil([&] { return d.slots.confirmations == 2 && hasStatus(d, "confirmed 2.1.0"); }, 400));
  CHECK(d.slots.running == "2.1.0");
  for (const char* status : {"downloading 2.0.0", "verified 2.0.0", "installing 2.0.0", "confirmed 2.0.0",
                             "downloading 2.1.0", "verified 2.1.0", "installing 2.1.0", "confirmed 2.1.0"}) {
    CHECK_EQ(std::count(d.server.firmwareStatuses.begin(), d.server.firmwareStatuses.end(), status), 1);
  }
}

TEST(ota_tampered_image_is_refused_and_not_retried_at_once) {
  Device d;
  std::vector<uint8_t> image = makeImage("2.0.0", 5000);
  publish(d, "2.0.0", image);
  d.server.images.begin()->second[4000] ^= 0x40;  // the served bytes differ from the signed hash
  d.boot();
  CHECK(d.runUntil([&] { return hasStatus(d, "failed 2.0.0 sha256 mismatch"); }, 200));
  CHECK_EQ(d.slots.activations, 0);
  CHECK(d.slots.running == "test-1.0");
  const int downloads = d.server.downloads;
  // Heartbeats go on offering it; the device does not loop on it.
  for (int i = 0; i < 50; ++i) d.step();
  CHECK_EQ(d.server.downloads, downloads);
}

TEST(ota_bad_signature_is_refused) {
  Device d;
  publish(d, "2.0.0", makeImage("2.0.0", 5000), true);
  d.boot();
  CHECK(d.runUntil([&] { return hasStatus(d, "failed 2.0.0 bad signature"); }, 200));
  CHECK_EQ(d.slots.activations, 0);
  CHECK(d.slots.running == "test-1.0");
}

TEST(ota_new_image_that_never_reaches_the_server_is_rolled_back) {
  Device d;
  publish(d, "3.0.0", makeImage("3.0.0", 3000));
  d.boot();
  // The new image cannot reach the server (its Wi-Fi code is broken, say).
  CHECK(d.runUntil([&] {
    d.server.down = d.slots.running == "3.0.0";
    return d.slots.rollbacks == 1 && d.slots.running == "test-1.0" && hasStatus(d, "rolled_back 3.0.0");
  }, 1000));
  CHECK(d.log.contains("ota: 3.0.0 did not reach the server within 120000 ms; rolling back"));
  CHECK_EQ(d.slots.confirmations, 0);
  CHECK(d.server.lastHeartbeatVersion == "test-1.0");
}

TEST(ota_image_that_crashes_before_confirming_is_rolled_back_by_the_boot_loader) {
  Device d;
  publish(d, "3.0.0", makeImage("3.0.0", 3000));
  d.boot();
  for (int i = 0; i < 300 && d.step(); ++i) {
  }
  CHECK_EQ(d.slots.activations, 1);
  // Crash loop: the new image dies twice before any heartbeat.
  d.server.updateOffer.clear();
  d.boot();
  CHECK(d.slots.running == "3.0.0" && d.slots.pending);
  d.boot();
  CHECK(d.slots.running == "test-1.0");
  CHECK(d.runUntil([&] { return hasStatus(d, "rolled_back 3.0.0 the new image did not start"); }, 100));
}

TEST(ota_waits_for_the_job_in_flash_and_its_report) {
  Device d;
  // The update is published once the job runs; heartbeats offer it during
  // the job and while its report is refused: the device takes it only after.
  const uint64_t id = d.server.addJob({{0, 100}, {1, 200}});
  bool downloadedDuringJob = false;
  d.hardware.afterDispense = [&](int started) {
    if (started == 1) publish(d, "2.0.0", makeImage("2.0.0", 3000));
    downloadedDuringJob |= d.server.downloads > 0;
  };
  d.server.completeFaults = {Fault::ServerError, Fault::ServerError};
  d.boot();
  CHECK(d.runUntil([&] {
    downloadedDuringJob |= d.server.downloads > 0 && d.server.find(id)->report.empty();
    return d.slots.confirmations == 1;
  }, 600));
  CHECK(!downloadedDuringJob);
  CHECK(!d.server.find(id)->report.empty());
  CHECK(d.server.find(id)->status == "done");
}

TEST(ota_server_ignoring_range_restarts_from_zero) {
  Device d;
  publish(d, "2.0.0", makeImage("2.0.0", 9000));
  d.server.downloadCuts = {4000};
  d.boot();
  d.server.ignoreRange = true;
  CHECK(d.runUntil([&] { return d.slots.confirmations == 1; }, 400));
  CHECK(d.slots.running == "2.0.0");
}

TEST(wire_update_offer_parses_and_refuses_bad_fields) {
  const std::string good =
      "{\"update\":{\"version\":\"1.2.0\",\"url\":\"\\/devices\\/me\\/firmware\\/7\",\"sha256\":\"" +
      std::string(64, 'a') + "\",\"size\":123456,\"signature\":\"MEUCIQ==\"},\"abort_job_id\":null}";
  HeartbeatReply reply;
  CHECK(parseHeartbeatReply(good.data(), good.size(), &reply));
  CHECK(reply.hasUpdate);
  CHECK(std::string(reply.update.url) == "/devices/me/firmware/7");
  CHECK_EQ(reply.update.size, 123456u);
  CHECK_EQ(reply.update.signatureLength, 4u);
  CHECK_EQ(reply.update.sha256[0], 0xAA);
  for (const std::string& bad : {std::string("\"sha256\":\"") + std::string(63, 'a') + "\"",
                                 std::string("\"signature\":\"M===\""), std::string("\"size\":0"),
                                 std::string("\"url\":\"http://evil/x\"")}) {
    std::string body = good;
    const std::string key = bad.substr(0, bad.find(':') + 1);
    const size_t at = body.find(key);
    const size_t end = body.find_first_of(",}", at + key.size() + 1);
    body.replace(at, end - at, bad);
    CHECK(parseHeartbeatReply(body.data(), body.size(), &reply));
    if (reply.hasUpdate || !reply.updateMalformed) check::fail(__FILE__, __LINE__, "accepted " + bad);
  }
  uint8_t out[8];
  CHECK_EQ(decodeBase64("AQID", 4, out, sizeof out), 3u);
  CHECK_EQ(decodeBase64("AQI=", 4, out, sizeof out), 2u);
  CHECK_EQ(decodeBase64("AQ==", 4, out, sizeof out), 1u);
  CHECK_EQ(decodeBase64("A===", 4, out, sizeof out), 0u);
  CHECK_EQ(decodeBase64("AQ=D", 4, out, sizeof out), 0u);
  CHECK_EQ(decodeBase64("AQIDBAUGBwgJ", 12, out, sizeof out), 0u);  // 9 bytes > capacity
}
