// The dispensing hardware: one actuator per frasco, dispensing either for a
// calibrated time or until a scale reads the target.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "platform.h"

namespace yaguts {

/// Why an item failed. Values are persisted in flash: append, never renumber.
enum class ItemError : uint8_t {
  None = 0,
  Interrupted = 1,    ///< power was lost while the item was being dispensed
  HardwareFault = 2,  ///< the actuator or its driver reported a fault
  ScaleTimeout = 3,   ///< the scale did not reach the target in time
  InvalidFrasco = 4,  ///< the job names a frasco this device does not have
  InvalidAmount = 5,  ///< the amount is not representable on the device
  Aborted = 6,        ///< a person aborted the job before this item started
  RecordLost = 7,     ///< re-delivered job with no local record: never dispensed again
  MotorTimeout = 8,   ///< the run time exceeded the frasco's provisioned maximum
};
constexpr uint8_t kLastItemError = static_cast<uint8_t>(ItemError::MotorTimeout);

/// The wire string of an error (the `error` field of a report).
const char* itemErrorName(ItemError error);

struct DispenseOutcome {
  bool ok;
  uint32_t dispensedMg;  ///< what actually left the frasco, as well as the device knows
  ItemError error;
};

/// Blocks until one frasco has dispensed `amountMg` or failed.
struct Dispenser {
  virtual uint8_t frascoCount() = 0;
  virtual DispenseOutcome dispense(uint8_t frasco, uint32_t amountMg) = 0;
 protected:
  ~Dispenser() = default;
};

/// Switches one frasco's motor, valve or auger.
struct Actuator {
  virtual bool set(uint8_t frasco, bool on) = 0;  ///< false: the driver reports a fault
 protected:
  ~Actuator() = default;
};

/// A load cell under the cup. readMg() is the weight since the last tare().
struct Scale {
  virtual bool tare() = 0;
  virtual bool readMg(int32_t* mg) = 0;
 protected:
  ~Scale() = default;
};

/// Dispenses by time: each frasco has a calibrated flow in mg per second.
class TimedDispenser final : public Dispenser {
 public:
  /// `mgPerSecond` holds `count` calibrations; the array must outlive this object.
  TimedDispenser(Actuator& actuator, Clock& clock, const uint32_t* mgPerSecond, uint8_t count);
  uint8_t frascoCount() override { return count_; }
  DispenseOutcome dispense(uint8_t frasco, uint32_t amountMg) override;
  /// The run time for an amount, rounded up to whole milliseconds.
  uint32_t runTimeMs(uint8_t frasco, uint32_t amountMg) const;
  /// Per-frasco longest motor run (provisioning; 0 = no limit). An item that
  /// would need longer fails `motor_timeout` before its motor starts. The
  /// array (`count` entries) must outlive this object.
  void setMaxRunMs(const uint32_t* maxRunMs) { maxRunMs_ = maxRunMs; }

 private:
  Actuator& actuator_;
  Clock& clock_;
  const uint32_t* mgPerSecond_;
  uint8_t count_;
  const uint32_t* maxRunMs_ = nullptr;
};

/// Dispenses by weight: runs the actuator until the scale reads the target,
/// polling every `pollMs`, giving up after `timeoutMs`.
class ScaleDispenser final : public Dispenser {
 public:
  ScaleDispenser(Actuator& actuator, Scale& scale, Clock& clock, uint8_t count,
                 uint32_t pollMs, uint32_t timeoutMs);
  uint8_t frascoCount() override { return count_; }
  DispenseOutcome dispense(uint8_t frasco, uint32_t amountMg) override;
  /// Per-frasco longest motor run (0 = only `timeoutMs`): reaching it stops
  /// the motor and fails the item `motor_timeout`.
  void setMaxRunMs(const uint32_t* maxRunMs) { maxRunMs_ = maxRunMs; }

 private:
  const uint32_t* maxRunMs_ = nullptr;
  Actuator& actuator_;
  Scale& scale_;
  Clock& clock_;
  uint8_t count_;
  uint32_t pollMs_;
  uint32_t timeoutMs_;
};

/// Routes each frasco to its own dispenser (provisioning chooses time or
/// weight per frasco). Entries must outlive this object; a null entry is a
/// frasco this device does not have.
class PerFrascoDispenser final : public Dispenser {
 public:
  PerFrascoDispenser(Dispenser* const* byFrasco, uint8_t count) : byFrasco_(byFrasco), count_(count) {}
  uint8_t frascoCount() override { return count_; }
  DispenseOutcome dispense(uint8_t frasco, uint32_t amountMg) override;

 private:
  Dispenser* const* byFrasco_;
  uint8_t count_;
};

}  // namespace yaguts
