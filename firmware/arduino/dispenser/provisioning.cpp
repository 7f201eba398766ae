#include "provisioning.h"

#include <string.h>

#include "src/core/json_reader.h"
#include "src/core/text_builder.h"

namespace yaguts_arduino {

namespace {

using yaguts::JsonReader;
using yaguts::JsonSpan;
using yaguts::TextBuilder;

/// Copies a JSON string into `out`, undoing the escapes a PEM or a password
/// needs (\n \r \t \" \\ \/). False on another escape or if it does not fit.
bool copyString(const JsonSpan& span, char* out, size_t capacity) {
  size_t n = 0;
  for (size_t i = 0; i < span.length; ++i) {
    char c = span.data[i];
    if (c == '\\') {
      if (++i >= span.length) return false;
      switch (span.data[i]) {
        case 'n': c = '\n'; break;
        case 'r': c = '\r'; break;
        case 't': c = '\t'; break;
        case '"': c = '"'; break;
        case '\\': c = '\\'; break;
        case '/': c = '/'; break;
        default: return false;
      }
    }
    if (n + 1 >= capacity) return false;
    out[n++] = c;
  }
  out[n] = '\0';
  return true;
}

struct Parser {
  JsonReader r;
  char* error;
  size_t errorCapacity;

  bool fail(const char* field, const char* why, int index = -1) {
    TextBuilder t(error, errorCapacity);
    if (index >= 0) t.text("frascos[").number(index).text("].");
    t.text(field).text(": ").text(why);
    return false;
  }

  bool string(const char* field, char* out, size_t capacity) {
    JsonSpan value;
    if (!r.readString(&value)) return fail(field, "must be a string");
    if (!copyString(value, out, capacity)) return fail(field, "too long or bad escape");
    return true;
  }

  bool number(const char* field, int64_t low, int64_t high, int64_t* out, int index = -1) {
    if (!r.readInt(out) || *out < low || *out > high) return fail(field, "out of range", index);
    return true;
  }

  bool frasco(FrascoSettings* f, int index) {
    JsonSpan name;
    int64_t v = 0;
    bool pin = false, max = false;
    f->feedbackPin = -1;
    f->byWeight = false;
    f->flowMgPerS = 0;
    if (!r.beginObject()) return fail("frascos", "each frasco must be an object");
    while (r.nextMember(&name)) {
      if (name == "pin") {
        if (!number("pin", 0, 48, &v, index)) return false;
        f->motorPin = static_cast<uint8_t>(v);
        pin = true;
      } else if (name == "feedback_pin") {
        if (!number("feedback_pin", -1, 48, &v, index)) return false;
        f->feedbackPin = static_cast<int8_t>(v);
      } else if (name == "flow_mg_per_s") {
        if (!number("flow_mg_per_s", 1, 100000000, &v, index)) return false;
        f->flowMgPerS = static_cast<uint32_t>(v);
      } else if (name == "max_run_ms") {
        if (!number("max_run_ms", 1, 3600000, &v, index)) return false;
        f->maxRunMs = static_cast<uint32_t>(v);
        max = true;
      } else if (name == "dispense") {
        JsonSpan mode;
        if (!r.readString(&mode) || !(mode == "time" || mode == "weight")) {
          return fail("dispense", "must be \"time\" or \"weight\"", index);
        }
        f->byWeight = mode == "weight";
      } else if (!r.skipValue()) {
        return fail("frascos", "malformed");
      }
    }
    if (r.failed()) return fail("frascos", "malformed");
    if (!pin) return fail("pin", "required", index);
    if (!max) return fail("max_run_ms", "required (the longest the motor may run)", index);
    if (!f->byWeight && f->flowMgPerS == 0) return fail("flow_mg_per_s", "required for dispense by time", index);
    return true;
  }

  bool scale(ScaleSettings* s) {
    JsonSpan name;
    int64_t v = 0;
    unsigned seen = 0;
    if (!r.beginObject()) return fail("scale", "must be an object");
    while (r.nextMember(&name)) {
      if (name == "dout_pin") {
        if (!number("scale.dout_pin", 0, 48, &v)) return false;
        s->doutPin = static_cast<uint8_t>(v);
        seen |= 1;
      } else if (name == "sck_pin") {
        if (!number("scale.sck_pin", 0, 48, &v)) return false;
        s->sckPin = static_cast<uint8_t>(v);
        seen |= 2;
      } else if (name == "counts_per_gram") {
        if (!number("scale.counts_per_gram", -10000000, 10000000, &v) || v == 0) {
          return fail("scale.counts_per_gram", "must be a non-zero integer");
        }
        s->countsPerGram = static_cast<int32_t>(v);
        seen |= 4;
      } else if (!r.skipValue()) {
        return fail("scale", "malformed");
      }
    }
    if (seen != 7) return fail("scale", "needs dout_pin, sck_pin and counts_per_gram");
    s->present = true;
    return true;
  }
};

}  // namespace

bool parseProvisioning(const char* json, size_t length, Settings* out, char* error, size_t errorCapacity) {
  memset(out, 0, sizeof *out);
  Parser p{JsonReader(json, length), error, errorCapacity};
  error[0] = '\0';
  JsonSpan name;
  if (!p.r.beginObject()) return p.fail("provisioning", "expected one JSON object on one line");
  while (p.r.nextMember(&name)) {
    bool ok = true;
    if (name == "wifi_ssid") ok = p.string("wifi_ssid", out->wifiSsid, sizeof out->wifiSsid);
    else if (name == "wifi_pass") ok = p.string("wifi_pass", out->wifiPass, sizeof out->wifiPass);
    else if (name == "server") ok = p.string("server", out->serverUrl, sizeof out->serverUrl);
    else if (name == "token") ok = p.string("token", out->token, sizeof out->token);
    else if (name == "ca_cert") ok = p.string("ca_cert", out->caCert, sizeof out->caCert);
    else if (name == "ota_public_key") ok = p.string("ota_public_key", out->otaPublicKey, sizeof out->otaPublicKey);
    else if (name == "insecure_tls") ok = p.r.readBool(&out->insecureTls) || p.fail("insecure_tls", "must be true or false");
    else if (name == "scale") ok = p.scale(&out->scale);
    else if (name == "frascos") {
      if (!p.r.beginArray()) return p.fail("frascos", "must be an array");
      while (ok && p.r.nextElement()) {
        if (out->frascoCount >= yaguts::kMaxFrascos) return p.fail("frascos", "at most 16");
        ok = p.frasco(&out->frascos[out->frascoCount], out->frascoCount);
        ++out->frascoCount;
      }
    } else {
      ok = p.r.skipValue();
    }
    if (!ok) return error[0] != '\0' ? false : p.fail("provisioning", "malformed JSON");
  }
  if (p.r.failed() || !p.r.finished()) return p.fail("provisioning", "malformed JSON");
  if (out->wifiSsid[0] == '\0') return p.fail("wifi_ssid", "required");
  if (out->token[0] == '\0') return p.fail("token", "required (the device_token from POST /devices)");
  const bool https = strncmp(out->serverUrl, "https://", 8) == 0;
  if (!https && strncmp(out->serverUrl, "http://", 7) != 0) {
    return p.fail("server", "required, http://HOST:PORT or https://HOST");
  }
  if (https && out->caCert[0] == '\0' && !out->insecureTls) {
    return p.fail("ca_cert", "required for https:// (or say \"insecure_tls\": true to skip verifying the server)");
  }
  if (out->caCert[0] != '\0' && strstr(out->caCert, "-----BEGIN CERTIFICATE-----") == nullptr) {
    return p.fail("ca_cert", "must be a PEM certificate");
  }
  if (out->otaPublicKey[0] != '\0' && strstr(out->otaPublicKey, "-----BEGIN PUBLIC KEY-----") == nullptr) {
    return p.fail("ota_public_key", "must be a PEM public key");
  }
  if (out->frascoCount == 0) return p.fail("frascos", "required: at least one frasco");
  for (uint8_t i = 0; i < out->frascoCount; ++i) {
    if (out->frascos[i].byWeight && !out->scale.present) {
      return p.fail("dispense", "\"weight\" needs a \"scale\"", i);
    }
  }
  return true;
}

}  // namespace yaguts_arduino
