// Timed and scale dispensing against a fake actuator, scale and clock.
#include <string>
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

TEST(timed_dispenser_refuses_a_run_beyond_the_frasco_maximum) {
  FakeClock clock;
  RecordingActuator act;
  act.clock = &clock;
  const uint32_t flow[2] = {1000, 1000};
  const uint32_t maxRun[2] = {5000, 0};  // frasco 1: no limit
  TimedDispenser d(act, clock, flow, 2);
  d.setMaxRunMs(maxRun);
  CHECK(d.dispense(0, 5000).ok);  // exactly the limit
  const size_t events = act.events.size();
  const DispenseOutcome tooLong = d.dispense(0, 5001);
  CHECK(!tooLong.ok && tooLong.error == ItemError::MotorTimeout && tooLong.dispensedMg == 0);
  CHECK_EQ(act.events.size(), events);  // the motor never started
  CHECK(d.dispense(1, 4000000000u).ok);  // 46 days of motor: no limit set
  CHECK(std::string(itemErrorName(ItemError::MotorTimeout)) == "motor_timeout");
}

TEST(scale_dispenser_stops_the_motor_at_the_frasco_maximum) {
  FakeClock clock;
  RecordingActuator act;
  act.clock = &clock;
  FlowScale scale;
  scale.clock = &clock;
  scale.actuator = &act;
  scale.mgPerMs = 0;  // nothing falls: only the limits stop it
  const uint32_t maxRun[1] = {800};
  ScaleDispenser d(act, scale, clock, 1, 10, 5000);
  d.setMaxRunMs(maxRun);
  const uint32_t start = clock.now;
  const DispenseOutcome out = d.dispense(0, 1000);
  CHECK(!out.ok && out.error == ItemError::MotorTimeout);
  CHECK(clock.now - start <= 820);
  CHECK(!act.events.back().on);
}

TEST(per_frasco_dispenser_routes_to_time_or_weight) {
  FakeClock clock;
  RecordingActuator act;
  act.clock = &clock;
  FlowScale scale;
  scale.clock = &clock;
  scale.actuator = &act;
  const uint32_t flow[2] = {1000, 1000};
  TimedDispenser timed(act, clock, flow, 2);
  ScaleDispenser weighed(act, scale, clock, 2, 10, 5000);
  Dispenser* byFrasco[3] = {&timed, &weighed, nullptr};
  PerFrascoDispenser d(byFrasco, 3);
  CHECK_EQ(d.frascoCount(), 3);
  const uint32_t t0 = clock.now;
  CHECK(d.dispense(0, 2000).ok && clock.now - t0 == 2000);  // by time
  const DispenseOutcome w = d.dispense(1, 500);               // by weight: 2 mg/ms
  CHECK(w.ok && w.dispensedMg >= 500 && w.dispensedMg <= 520);
  CHECK(d.dispense(2, 10).error == ItemError::InvalidFrasco);
}
