// Our own HX711 load-cell driver (24-bit ADC, channel A, gain 128), bit-banged
// on two GPIOs, as the core's Scale.
//
// Protocol (HX711 datasheet): DOUT goes low when a conversion is ready; 24
// SCK pulses clock the value out MSB first (two's complement); a 25th pulse
// selects channel A / gain 128 for the next conversion. SCK held high over
// 60 µs powers the chip down, so the pulses are short and not interrupted.
#pragma once
#include <Arduino.h>

#include "src/core/dispensing.h"

namespace yaguts_arduino {

class Hx711Scale final : public yaguts::Scale {
 public:
  /// `countsPerGram`: raw counts for one gram (calibrate with a known weight).
  Hx711Scale(uint8_t doutPin, uint8_t sckPin, int32_t countsPerGram)
      : dout_(doutPin), sck_(sckPin), countsPerGram_(countsPerGram == 0 ? 1 : countsPerGram) {}
  void begin();
  bool tare() override;
  bool readMg(int32_t* mg) override;
  /// One raw conversion; false if the chip did not become ready (unplugged).
  bool readRaw(int32_t* value);

 private:
  static constexpr uint32_t kReadyTimeoutMs = 200;  ///< 10 SPS → a conversion every 100 ms
  static constexpr int kTareSamples = 8;
  uint8_t dout_;
  uint8_t sck_;
  int32_t countsPerGram_;
  int32_t offset_ = 0;
};

}  // namespace yaguts_arduino
