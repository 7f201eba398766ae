// Compile-only stub of the Arduino-ESP32 API used by the sketch: just enough
// declarations to type-check firmware/arduino on the host. Nothing here runs.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>  // the real core pulls these in too: catches name clashes such as clock()

#define HIGH 0x1
#define LOW 0x0
#define OUTPUT 0x03

void pinMode(uint8_t pin, uint8_t mode);
void digitalWrite(uint8_t pin, uint8_t value);
unsigned long millis();
void delay(uint32_t ms);

class Stream {
 public:
  virtual ~Stream() = default;
  virtual int available() = 0;
  virtual int read() = 0;
  size_t readBytes(char* buffer, size_t length);
};

class HardwareSerial : public Stream {
 public:
  void begin(unsigned long baud);
  int available() override;
  int read() override;
  size_t print(const char* text);
  size_t println(const char* text);
};
extern HardwareSerial Serial;

class EspClass {
 public:
  uint32_t getFreeHeap();
  uint64_t getEfuseMac();
  [[noreturn]] void restart();
};
extern EspClass ESP;
