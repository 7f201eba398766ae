#include "hx711.h"

namespace yaguts_arduino {

void Hx711Scale::begin() {
  pinMode(sck_, OUTPUT);
  digitalWrite(sck_, LOW);
  pinMode(dout_, INPUT);
}

bool Hx711Scale::readRaw(int32_t* value) {
  const unsigned long start = millis();
  while (digitalRead(dout_) != LOW) {
    if (millis() - start > kReadyTimeoutMs) return false;
    delay(1);
  }
  uint32_t bits = 0;
  for (int i = 0; i < 24; ++i) {
    digitalWrite(sck_, HIGH);
    delayMicroseconds(1);
    bits = bits << 1 | (digitalRead(dout_) == HIGH ? 1u : 0u);
    digitalWrite(sck_, LOW);
    delayMicroseconds(1);
  }
  // The 25th pulse: channel A, gain 128 for the next conversion.
  digitalWrite(sck_, HIGH);
  delayMicroseconds(1);
  digitalWrite(sck_, LOW);
  // Sign-extend the 24-bit two's complement value.
  if ((bits & 0x800000u) != 0) bits |= 0xFF000000u;
  *value = static_cast<int32_t>(bits);
  return true;
}

bool Hx711Scale::tare() {
  int64_t sum = 0;
  for (int i = 0; i < kTareSamples; ++i) {
    int32_t raw = 0;
    if (!readRaw(&raw)) return false;
    sum += raw;
  }
  offset_ = static_cast<int32_t>(sum / kTareSamples);
  return true;
}

bool Hx711Scale::readMg(int32_t* mg) {
  int32_t raw = 0;
  if (!readRaw(&raw)) return false;
  *mg = static_cast<int32_t>(static_cast<int64_t>(raw - offset_) * 1000 / countsPerGram_);
  return true;
}

}  // namespace yaguts_arduino
