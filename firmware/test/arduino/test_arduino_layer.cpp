// The sketch's own binding code (arduino/dispenser) running on the host
// against the fakes behind host/arduino_stub: provisioning validation, NVS,
// HTTP with TLS settings and Range downloads, pump feedback, the HX711
// driver, the OTA partitions, and the sketch's setup()/loop() themselves.
#include <cstring>
#include <memory>
#include <string>

#include "../../arduino/dispenser/hx711.h"
#include "../../arduino/dispenser/job_execution.h"
#include "../../arduino/dispenser/job_persistence.h"
#include "../../arduino/dispenser/ota_slots.h"
#include "../../arduino/dispenser/provisioning.h"
#include "src/core/record_store.h"
#include "../check.h"
#include "arduino_fake.h"

void setup();
void loop();

using namespace yaguts_arduino;
namespace fake = arduino_fake;

namespace {

const char* kGood =
    "{\"wifi_ssid\":\"shop\",\"wifi_pass\":\"p\\\"w\",\"server\":\"http://10.0.0.2:8080\",\"token\":\"tok\","
    "\"ota_public_key\":\"-----BEGIN PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY-----\\n\","
    "\"frascos\":[{\"pin\":16,\"flow_mg_per_s\":2000,\"max_run_ms\":30000,\"feedback_pin\":34},"
    "{\"pin\":17,\"dispense\":\"weight\",\"max_run_ms\":60000}],"
    "\"scale\":{\"dout_pin\":4,\"sck_pin\":5,\"counts_per_gram\":420}}";

std::string refusal(const std::string& line) {
  auto s = std::make_unique<Settings>();
  char error[160];
  if (parseProvisioning(line.data(), line.size(), s.get(), error, sizeof error)) return "accepted";
  return error;
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const size_t at = s.find(from);
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

struct CollectSink final : yaguts::DownloadSink {
  bool accept(const uint8_t* data, size_t length) override {
    bytes.append(reinterpret_cast<const char*>(data), length);
    return true;
  }
  std::string bytes;
};

}  // namespace

TEST(arduino_provisioning_accepts_a_complete_line) {
  fake::reset();
  auto s = std::make_unique<Settings>();
  char error[160];
  CHECK(parseProvisioning(kGood, strlen(kGood), s.get(), error, sizeof error));
  CHECK(std::string(s->wifiPass) == "p\"w");
  CHECK(std::string(s->otaPublicKey).find("KEY-----\nAAAA\n") != std::string::npos);
  CHECK_EQ(s->frascoCount, 2);
  CHECK_EQ(s->frascos[0].feedbackPin, 34);
  CHECK(!s->frascos[0].byWeight && s->frascos[1].byWeight);
  CHECK_EQ(s->frascos[1].feedbackPin, -1);
  CHECK(s->scale.present && s->scale.countsPerGram == 420);
}

TEST(arduino_provisioning_refuses_incomplete_settings_with_a_reason) {
  CHECK(refusal("{}") == "wifi_ssid: required");
  CHECK(refusal("not json") == "provisioning: expected one JSON object on one line");
  CHECK(refusal(replace(kGood, "\"token\":\"tok\",", "")).rfind("token: required", 0) == 0);
  CHECK(refusal(replace(kGood, ",\"max_run_ms\":30000", "")).rfind("frascos[0].max_run_ms: required", 0) == 0);
  CHECK(refusal(replace(kGood, "\"flow_mg_per_s\":2000,", "")) ==
        "frascos[0].flow_mg_per_s: required for dispense by time");
  CHECK(refusal(replace(kGood, ",\"scale\":{\"dout_pin\":4,\"sck_pin\":5,\"counts_per_gram\":420}", "")) ==
        "frascos[1].dispense: \"weight\" needs a \"scale\"");
  CHECK(refusal(replace(kGood, "\"frascos\":[", "\"frascos\":[],\"x\":[")) == "frascos: required: at least one frasco");
  const std::string https = replace(kGood, "http://10.0.0.2:8080", "https://yaguts.example");
  CHECK(refusal(https).rfind("ca_cert: required for https://", 0) == 0);
  CHECK(refusal(replace(https, "\"token\"", "\"insecure_tls\":true,\"token\"")) == "accepted");
  CHECK(refusal(replace(https, "\"token\"", "\"ca_cert\":\"-----BEGIN CERTIFICATE-----\\nMII\\n-----END CERTIFICATE-----\",\"token\"")) ==
        "accepted");
  CHECK(refusal(replace(https, "\"token\"", "\"ca_cert\":\"nonsense\",\"token\"")) == "ca_cert: must be a PEM certificate");
}

TEST(arduino_settings_round_trip_through_nvs) {
  fake::reset();
  auto s = std::make_unique<Settings>();
  char error[160];
  CHECK(!loadSettings(s.get(), error, sizeof error));
  CHECK(std::string(error) == "not provisioned");
  CHECK(!applyProvisioningLine("{\"wifi_ssid\":\"x\"}", s.get(), error, sizeof error));
  CHECK(fake::nvs["yaguts_cfg"].empty());  // nothing stored from a refused line
  CHECK(applyProvisioningLine(kGood, s.get(), error, sizeof error));
  auto loaded = std::make_unique<Settings>();
  CHECK(loadSettings(loaded.get(), error, sizeof error));
  CHECK(std::string(loaded->token) == "tok" && loaded->frascoCount == 2);
}

TEST(arduino_nvs_store_carries_the_core_record_store) {
  fake::reset();
  NvsStore nvs;
  CHECK(nvs.begin());
  auto store = std::make_unique<yaguts::RecordStore>(nvs, "job_a", "job_b");
  CHECK_EQ(store->load(), 0u);
  for (int i = 1; i <= 3; ++i) {
    std::memcpy(store->payload(), "abcdef", 6);
    store->payload()[0] = static_cast<uint8_t>('0' + i);
    CHECK(store->save(6));
  }
  auto reader = std::make_unique<yaguts::RecordStore>(nvs, "job_a", "job_b");
  CHECK_EQ(reader->load(), 6u);
  CHECK_EQ(reader->payload()[0], '3');
  CHECK_EQ(fake::nvs["yaguts_job"].size(), 2u);
}

TEST(arduino_http_sends_token_and_streams_the_body) {
  fake::reset();
  auto s = std::make_unique<Settings>();
  char error[160];
  CHECK(parseProvisioning(kGood, strlen(kGood), s.get(), error, sizeof error));
  ArduinoHttp http;
  CHECK(http.configure(*s));
  fake::wifiStatus = WL_CONNECTED;
  fake::server = [](const fake::HttpRequest& r) {
    fake::HttpResponse out;
    out.status = r.url == "http://10.0.0.2:8080/devices/me/heartbeat" ? 200 : 404;
    out.body = "{\"server_time\":\"x\",\"update\":null}";
    return out;
  };
  char body[256];
  const yaguts::HttpResult r = http.request(yaguts::HttpMethod::Post, "/devices/me/heartbeat", "{}", 2, body,
                                            sizeof body, 1000);
  CHECK_EQ(r.status, 200);
  CHECK(std::string(body, r.bodyLength) == "{\"server_time\":\"x\",\"update\":null}");
  CHECK(fake::requests.back().headers["Authorization"] == "Bearer tok");
  CHECK(fake::requests.back().headers["Content-Type"] == "application/json");
  CHECK(fake::requests.back().body == "{}");
  char small[8];
  CHECK_EQ(http.request(yaguts::HttpMethod::Post, "/devices/me/heartbeat", "{}", 2, small, sizeof small, 1000).status,
           yaguts::kHttpResponseTooLarge);
  // No buffer: only the status is wanted, the body (however long) is dropped.
  const yaguts::HttpResult statusOnly =
      http.request(yaguts::HttpMethod::Post, "/devices/me/heartbeat", "{}", 2, nullptr, 0, 1000);
  CHECK_EQ(statusOnly.status, 200);
  CHECK_EQ(statusOnly.bodyLength, 0u);
  fake::wifiStatus = WL_DISCONNECTED;
  CHECK_EQ(http.request(yaguts::HttpMethod::Get, "/x", nullptr, 0, body, sizeof body, 1000).status,
           yaguts::kHttpTransportError);
}

TEST(arduino_http_tls_uses_the_provisioned_ca_and_refuses_without_one) {
  fake::reset();
  fake::wifiStatus = WL_CONNECTED;
  fake::server = [](const fake::HttpRequest&) { return fake::HttpResponse{}; };
  auto s = std::make_unique<Settings>();
  std::strcpy(s->serverUrl, "https://yaguts.example");
  std::strcpy(s->token, "tok");
  std::strcpy(s->caCert, "-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n");
  ArduinoHttp http;
  CHECK(http.configure(*s));
  char body[64];
  CHECK_EQ(http.request(yaguts::HttpMethod::Get, "/x", nullptr, 0, body, sizeof body, 1000).status, 200);
  CHECK(fake::requests.back().tls && fake::requests.back().caCert == s->caCert && !fake::requests.back().insecure);
  s->caCert[0] = '\0';
  ArduinoHttp refusing;
  CHECK(!refusing.configure(*s));
  const size_t before = fake::requests.size();
  CHECK_EQ(refusing.request(yaguts::HttpMethod::Get, "/x", nullptr, 0, body, sizeof body, 1000).status,
           yaguts::kHttpTransportError);
  CHECK_EQ(fake::requests.size(), before);  // never an unauthenticated TLS connection
  s->insecureTls = true;
  ArduinoHttp insecure;
  CHECK(insecure.configure(*s));
  CHECK_EQ(insecure.request(yaguts::HttpMethod::Get, "/x", nullptr, 0, body, sizeof body, 1000).status, 200);
  CHECK(fake::requests.back().insecure);
}

TEST(arduino_download_asks_a_range_and_reports_a_broken_transfer) {
  fake::reset();
  fake::wifiStatus = WL_CONNECTED;
  auto s = std::make_unique<Settings>();
  std::strcpy(s->serverUrl, "http://h");
  std::strcpy(s->token, "t");
  const std::string image(5000, 'x');
  size_t breakAfter = 1000;
  fake::server = [&](const fake::HttpRequest& r) {
    fake::HttpResponse out;
    const size_t from = std::stoul(r.headers.at("Range").substr(6));
    out.status = 206;
    out.headers["Content-Range"] = "bytes " + std::to_string(from) + "-4999/5000";
    out.body = image.substr(from);
    out.breakAfter = breakAfter;
    return out;
  };
  ArduinoHttp http;
  CHECK(http.configure(*s));
  CollectSink sink;
  yaguts::HttpResult r = http.download("/devices/me/firmware/7", 0, sink, 1000);
  CHECK(r.status == yaguts::kHttpTransportError && r.bodyLength == 1000);
  CHECK(fake::requests.back().headers["Range"] == "bytes=0-");
  breakAfter = static_cast<size_t>(-1);
  r = http.download("/devices/me/firmware/7", 1000, sink, 1000);
  CHECK(r.status == 206 && r.bodyLength == 4000 && sink.bytes == image);
  CHECK(fake::requests.back().headers["Range"] == "bytes=1000-");
  fake::server = [&](const fake::HttpRequest&) {
    fake::HttpResponse out;
    out.status = 200;  // a server ignoring Range
    out.body = image;
    return out;
  };
  r = http.download("/devices/me/firmware/7", 1000, sink, 1000);
  CHECK(r.status == 200 && r.bodyLength == 0);
}

TEST(arduino_pump_feedback_reports_faults_only_when_wired) {
  fake::reset();
  auto s = std::make_unique<Settings>();
  char error[160];
  CHECK(parseProvisioning(kGood, strlen(kGood), s.get(), error, sizeof error));
  GpioActuator actuator(*s);
  actuator.begin();
  CHECK_EQ(fake::pinModes[16], OUTPUT);
  CHECK_EQ(fake::pinModes[34], INPUT);
  bool motorDrawsCurrent = true;
  fake::readPin = [&](uint8_t pin) { return pin == 34 && motorDrawsCurrent && fake::pinLevels[16] ? HIGH : LOW; };
  CHECK(actuator.set(0, true) && actuator.set(0, false));
  motorDrawsCurrent = false;  // driver dead, motor jammed or unplugged
  CHECK(!actuator.set(0, true));
  CHECK(actuator.set(1, true));  // frasco 1 has no feedback input: no claim
}

TEST(arduino_hx711_reads_signed_24_bit_values_and_tares) {
  fake::reset();
  int32_t value = -123456;
  int bit = 0;
  const uint8_t dout = 4, sck = 5;
  fake::onWrite = [&](uint8_t pin, uint8_t level) {
    if (pin == sck && level == HIGH) ++bit;
  };
  fake::readPin = [&](uint8_t pin) -> int {
    if (pin != dout) return LOW;
    if (bit == 0 || bit > 24) return LOW;  // ready
    return ((static_cast<uint32_t>(value) >> (24 - bit)) & 1u) ? HIGH : LOW;
  };
  Hx711Scale scale(dout, sck, 420);
  scale.begin();
  int32_t raw = 0;
  CHECK(scale.readRaw(&raw));
  CHECK_EQ(raw, -123456);
  CHECK_EQ(bit, 25);  // 24 data pulses and the gain-128 pulse
  bit = 0;
  value = 1000;
  auto next = [&] { bit = 0; };
  fake::onWrite = [&](uint8_t pin, uint8_t level) {
    if (pin == sck && level == HIGH && ++bit > 25) bit = 1;
    if (pin == sck && level == LOW && bit == 25) next();
  };
  CHECK(scale.tare());
  value = 1000 + 420 * 3;  // three grams on the cell
  int32_t mg = 0;
  CHECK(scale.readMg(&mg));
  CHECK_EQ(mg, 3000);
  fake::readPin = [](uint8_t) { return HIGH; };  // never ready: unplugged
  CHECK(!scale.readMg(&mg));
}

TEST(arduino_ota_slots_drive_esp_ota) {
  fake::reset();
  EspOtaSlots slots;
  CHECK(!slots.begin(0x200000));  // larger than the partition
  CHECK(slots.begin(6));
  CHECK(slots.write(0, reinterpret_cast<const uint8_t*>("abc"), 3));
  CHECK(!slots.write(5, reinterpret_cast<const uint8_t*>("x"), 1));  // out of order
  CHECK(slots.write(3, reinterpret_cast<const uint8_t*>("def"), 3));
  CHECK(slots.activate());
  CHECK(fake::otaEnded && fake::otaBootSet);
  CHECK(std::string(fake::otaImage.begin(), fake::otaImage.end()) == "abcdef");
  CHECK(!slots.runningPendingVerify());
  fake::runningState = ESP_OTA_IMG_PENDING_VERIFY;
  CHECK(slots.runningPendingVerify());
  CHECK(slots.confirm() && fake::otaValidMarked && !slots.runningPendingVerify());
  slots.rollback();
  CHECK(fake::otaRollback);
}

TEST(arduino_sketch_setup_and_loop_run_against_the_fakes) {
  fake::reset();
  fake::nvs["yaguts_cfg"]["line"].assign(kGood, kGood + strlen(kGood));
  fake::wifiStatus = WL_CONNECTED;
  int heartbeats = 0, polls = 0;
  std::string heartbeatBody;
  fake::server = [&](const fake::HttpRequest& r) {
    fake::HttpResponse out;
    if (r.url.find("/devices/me/heartbeat") != std::string::npos) {
      ++heartbeats;
      heartbeatBody = r.body;
      out.body = "{\"server_time\":\"x\",\"update\":null,\"abort_job_id\":null}";
    } else if (r.url.find("/devices/me/jobs/next") != std::string::npos) {
      ++polls;
      out.status = 204;
    } else {
      out.status = 404;
    }
    return out;
  };
  setup();
  CHECK_EQ(fake::pinModes[16], OUTPUT);
  CHECK_EQ(fake::pinLevels[16], LOW);  // motors off
  CHECK_EQ(fake::wifiBegins, 1);
  for (int i = 0; i < 50; ++i) {
    loop();
    fake::nowMs += 100;
  }
  CHECK(heartbeats >= 1 && polls >= 1);
  CHECK(heartbeatBody.find("\"fw_version\":\"" FW_VERSION "\"") != std::string::npos);
  CHECK(fake::watchdogResets >= 50);
  // Wi-Fi lost: no disconnects, and a reconnect only after a minute down.
  fake::wifiStatus = WL_DISCONNECTED;
  const unsigned long lostAt = fake::nowMs;
  while (fake::nowMs - lostAt < 55000) {
    loop();
    fake::nowMs += 100;
  }
  CHECK_EQ(fake::wifiReconnects, 0);
  while (fake::nowMs - lostAt < 65000) {
    loop();
    fake::nowMs += 100;
  }
  CHECK_EQ(fake::wifiReconnects, 1);
  CHECK_EQ(fake::wifiDisconnects, 0);
  CHECK_EQ(fake::wifiBegins, 1);
}
