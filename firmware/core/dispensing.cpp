#include "dispensing.h"

#include "bytes.h"

namespace yaguts {

const char* itemErrorName(ItemError error) {
  switch (error) {
    case ItemError::None: return "";
    case ItemError::Interrupted: return "interrupted";
    case ItemError::HardwareFault: return "hardware_fault";
    case ItemError::ScaleTimeout: return "scale_timeout";
    case ItemError::InvalidFrasco: return "invalid_frasco";
    case ItemError::InvalidAmount: return "invalid_amount";
    case ItemError::Aborted: return "aborted";
    // The wording is fixed by the shared wire decisions: a person reads it.
    case ItemError::RecordLost: return "record_lost: device lost its job record; recount stock";
    case ItemError::MotorTimeout: return "motor_timeout";
  }
  return "unknown";
}

TimedDispenser::TimedDispenser(Actuator& actuator, Clock& clock, const uint32_t* mgPerSecond,
                               uint8_t count)
    : actuator_(actuator), clock_(clock), mgPerSecond_(mgPerSecond), count_(count) {}

uint32_t TimedDispenser::runTimeMs(uint8_t frasco, uint32_t amountMg) const {
  const uint64_t flow = mgPerSecond_[frasco];
  if (flow == 0) return 0;
  const uint64_t ms = (static_cast<uint64_t>(amountMg) * 1000u + flow - 1) / flow;
  return ms > 0xFFFFFFFFu ? 0xFFFFFFFFu : static_cast<uint32_t>(ms);
}

DispenseOutcome TimedDispenser::dispense(uint8_t frasco, uint32_t amountMg) {
  if (frasco >= count_ || mgPerSecond_[frasco] == 0) {
    return {false, 0, ItemError::InvalidFrasco};
  }
  const uint32_t runMs = runTimeMs(frasco, amountMg);
  if (maxRunMs_ != nullptr && maxRunMs_[frasco] != 0 && runMs > maxRunMs_[frasco]) {
    return {false, 0, ItemError::MotorTimeout};
  }
  if (!actuator_.set(frasco, true)) {
    actuator_.set(frasco, false);
    return {false, 0, ItemError::HardwareFault};
  }
  clock_.sleepMs(runMs);
  // A fault on switching off still dispensed the full time: report what left
  // the frasco, but as failed, so a person looks at the motor.
  if (!actuator_.set(frasco, false)) return {false, amountMg, ItemError::HardwareFault};
  return {true, amountMg, ItemError::None};
}

ScaleDispenser::ScaleDispenser(Actuator& actuator, Scale& scale, Clock& clock, uint8_t count,
                               uint32_t pollMs, uint32_t timeoutMs)
    : actuator_(actuator), scale_(scale), clock_(clock), count_(count),
      pollMs_(pollMs == 0 ? 1 : pollMs), timeoutMs_(timeoutMs) {}

DispenseOutcome ScaleDispenser::dispense(uint8_t frasco, uint32_t amountMg) {
  if (frasco >= count_) return {false, 0, ItemError::InvalidFrasco};
  if (!scale_.tare()) return {false, 0, ItemError::HardwareFault};
  const uint32_t start = clock_.nowMs();
  if (!actuator_.set(frasco, true)) {
    actuator_.set(frasco, false);
    return {false, 0, ItemError::HardwareFault};
  }
  int32_t weight = 0;
  ItemError error = ItemError::None;
  for (;;) {
    if (!scale_.readMg(&weight)) {
      error = ItemError::HardwareFault;
      break;
    }
    if (weight >= 0 && static_cast<uint32_t>(weight) >= amountMg) break;
    if (timeReached(clock_.nowMs(), start + timeoutMs_)) {
      error = ItemError::ScaleTimeout;
      break;
    }
    if (maxRunMs_ != nullptr && maxRunMs_[frasco] != 0 && timeReached(clock_.nowMs(), start + maxRunMs_[frasco])) {
      error = ItemError::MotorTimeout;
      break;
    }
    clock_.sleepMs(pollMs_);
  }
  const bool stopped = actuator_.set(frasco, false);
  // Read once more after the motor stops: material in flight still lands.
  int32_t settled = weight;
  if (scale_.readMg(&settled)) weight = settled;
  const uint32_t dispensed = weight > 0 ? static_cast<uint32_t>(weight) : 0;
  if (error == ItemError::None && !stopped) error = ItemError::HardwareFault;
  return {error == ItemError::None, dispensed, error};
}

DispenseOutcome PerFrascoDispenser::dispense(uint8_t frasco, uint32_t amountMg) {
  if (frasco >= count_ || byFrasco_[frasco] == nullptr) return {false, 0, ItemError::InvalidFrasco};
  return byFrasco_[frasco]->dispense(frasco, amountMg);
}

}  // namespace yaguts
