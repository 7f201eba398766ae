// Timed and scale dispensing against a fake actuator, scale and clock.
#include <vector>

#include "../core/dispensing.h"
#include "../host/fakes.h"
#include "check.h"

using namespace yaguts;
using namespace yaguts::fakes;

namespace {

struct RecordingActuator final : Actuator {
  bool set(uint8_t frasco, bool on) override {
    events.push_back({frasco, on, clock->now});
    return !(failOn && on) && !(failOff && !on);
  }
  struct Event { uint8_t frasco; bool on; uint32_t at; };
  std::vector<Event> events;
  FakeClock* clock = nullptr;
  bool failOn = false, failOff = false;
};

/// Material falls at `mgPerMs` while frasco's actuator is on.
struct FlowScale final : Scale {
  bool tare() override { base = weightAt(clock->now); return tareOk; }
  bool readMg(int32_t* mg) override { *mg = weightAt(clock->now) - base; return readOk; }
  int32_t weightAt(uint32_t now) const {
    int32_t w = 0;
    for (size_t i = 0; i < actuator->events.size(); ++i) {
      if (!actuator->events[i].on) continue;
      const uint32_t end = i + 1 < actuator->events.size() ? actuator->events[i + 1].at : now;
      w += static_cast<int32_t>((end - actuator->events[i].at) * mgPerMs);
    }
    return w;
  }
  FakeClock* clock = nullptr;
  RecordingActuator* actuator = nullptr;
  uint32_t mgPerMs = 2;
  int32_t base = 0;
  bool tareOk = true, readOk = true;
};

}  // namespace

TEST(timed_dispenser_runs_for_the_calibrated_time) {
  FakeClock clock;
  RecordingActuator act;
  act.clock = &clock;
  const uint32_t flow[2] = {1000, 333};  // mg per second
  TimedDispenser d(act, clock, flow, 2);
  const DispenseOutcome out = d.dispense(1, 1000);
  CHECK(out.ok);
  CHECK_EQ(out.dispensedMg, 1000u);
  CHECK_EQ(act.events.size(), 2u);
  CHECK_EQ(act.events[1].at - act.events[0].at, 3004u);  // ceil(1000 / 333 s)
  CHECK(!d.dispense(2, 10).ok);
  CHECK(d.dispense(2, 10).error == ItemError::InvalidFrasco);
  act.failOn = true;
  const DispenseOutcome fault = d.dispense(0, 10);
  CHECK(!fault.ok && fault.error == ItemError::HardwareFault && fault.dispensedMg == 0);
  CHECK(!act.events.back().on);  // a failed start still switches off
}

TEST(scale_dispenser_stops_at_target_and_times_out) {
  FakeClock clock;
  RecordingActuator act;
  act.clock = &clock;
  FlowScale scale;
  scale.clock = &clock;
  scale.actuator = &act;
  ScaleDispenser d(act, scale, clock, 3, 10, 5000);
  const DispenseOutcome out = d.dispense(0, 1000);
  CHECK(out.ok);
  CHECK(out.dispensedMg >= 1000 && out.dispensedMg <= 1020);
  scale.mgPerMs = 0;  // an empty frasco: nothing falls
  const DispenseOutcome empty = d.dispense(1, 1000);
  CHECK(!empty.ok && empty.error == ItemError::ScaleTimeout);
  CHECK(!act.events.back().on);
  scale.readOk = false;
  CHECK(d.dispense(2, 10).error == ItemError::HardwareFault);
}
