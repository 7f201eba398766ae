// A host build of the slice of the arduino-esp32 3.x API the sketch uses.
// Declarations follow the real core's public headers (cores/esp32/Arduino.h,
// esp32-hal-gpio.h, esp32-hal.h, WString.h, Stream.h, HardwareSerial.h,
// Esp.h) so a wrong call fails to compile here as it would there; the bodies
// (fake_arduino.cpp) are test fakes whose state arduino_fake.h exposes.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>  // the real core pulls these in too: catches name clashes such as clock()

#define HIGH 0x1
#define LOW 0x0
#define INPUT 0x01
#define OUTPUT 0x03
#define INPUT_PULLUP 0x05

typedef uint8_t byte;

void pinMode(uint8_t pin, uint8_t mode);
void digitalWrite(uint8_t pin, uint8_t val);
int digitalRead(uint8_t pin);
unsigned long millis();
unsigned long micros();
void delay(uint32_t ms);
void delayMicroseconds(uint32_t us);

/// WString.h: only what the sketch touches.
class String {
 public:
  String(const char* cstr = "");
  String(const String& other);
  String& operator=(const String& other);
  ~String();
  const char* c_str() const { return buffer_; }
  unsigned int length() const { return static_cast<unsigned int>(strlen(buffer_)); }

 private:
  char* buffer_;
};

class Print {
 public:
  virtual ~Print() = default;
  virtual size_t write(uint8_t) = 0;
  virtual size_t write(const uint8_t* buffer, size_t size);
  size_t print(const char[]);
  size_t println(const char[]);
};

class Stream : public Print {
 public:
  virtual int available() = 0;
  virtual int read() = 0;
  virtual int peek() = 0;
  size_t readBytes(char* buffer, size_t length);
  size_t readBytes(uint8_t* buffer, size_t length) { return readBytes(reinterpret_cast<char*>(buffer), length); }
};

#define SERIAL_8N1 0x800001c
class HardwareSerial : public Stream {
 public:
  void begin(unsigned long baud, uint32_t config = SERIAL_8N1, int8_t rxPin = -1, int8_t txPin = -1,
             bool invert = false, unsigned long timeout_ms = 20000UL, uint8_t rxfifo_full_thrhd = 120);
  int available() override;
  int read() override;
  int peek() override;
  size_t write(uint8_t) override;
  using Print::write;
};
extern HardwareSerial Serial;

class EspClass {
 public:
  uint32_t getFreeHeap();
  uint64_t getEfuseMac();
  void restart();
};
extern EspClass ESP;
