// The exhaustive crash-point test. For each scenario (three frascos, several
// items on one frasco, a hardware fault mid-job, jobs in a row), cut power at
// every flash write (torn, before, or after the bytes land) and at every motor
// run, at every pair of such points, and lose the whole store (both slots) at
// every write alone or with a second cut; reboot and run to the end. Every
// run must never run an item's motor twice, get every report accepted, and
// report a log consistent with what the hardware really did.
#include <algorithm>
#include <cstdio>
#include <map>
#include <string>

#include "../core/json_reader.h"
#include "check.h"
#include "rig.h"

using namespace rig;

namespace {

struct CrashPlan {
  std::set<int> writes;      ///< global write numbers at which power is cut
  std::set<int> dispenses;   ///< motor runs during which power is cut
  CutMode mode;
  std::set<int> wipes;       ///< write numbers at which power is cut and both slots are lost
};

/// A workload the sweep cuts power into. Every item has an amount unique
/// within the scenario, so (frasco, amount) names one item and the hardware's
/// history tells how often each item's motor ran.
struct Scenario {
  const char* name;
  std::vector<std::vector<ServerItem>> jobs;
  std::set<uint8_t> faulty;  ///< frascos whose driver reports a fault
};

const std::vector<Scenario>& scenarios() {
  static const std::vector<Scenario> all = {
      {"three frascos", {{{0, 100}, {1, 200}, {2, 300}}}, {}},
      {"one frasco several items", {{{0, 100}, {0, 110}, {1, 200}, {0, 120}}}, {}},
      {"hardware fault mid-job", {{{0, 100}, {3, 200}, {1, 300}}}, {3}},
      {"jobs in a row", {{{0, 100}, {1, 200}}, {{1, 210}, {2, 300}}, {{0, 101}}}, {}},
  };
  return all;
}

/// Runs one crash plan; returns a description of the first violated
/// invariant, or "" if all hold. `baseline` (writes, motor runs of the run
/// without cuts) says which planned cuts must happen.
std::string runPlan(const Scenario& sc, const CrashPlan& plan, int* writesSeen, int* motorsSeen,
                    int baselineWrites = 1 << 30, int baselineMotors = 1 << 30) {
  Device d;
  d.flash.cutAt = plan.writes;
  d.flash.wipeAt = plan.wipes;
  d.flash.mode = plan.mode;
  d.hardware.cutDuring = plan.dispenses;
  d.hardware.faulty = sc.faulty;
  std::vector<uint64_t> ids;
  for (const auto& items : sc.jobs) ids.push_back(d.server.addJob(items));
  d.boot();
  auto settled = [&] {
    for (uint64_t id : ids) {
      if (d.server.find(id)->report.empty()) return false;
    }
    return d.runner->state() == JobRunner::State::Idle && !d.runner->job().id;
  };
  if (!d.runUntil(settled, 1500)) return "jobs never settled";
  *writesSeen = d.flash.writes;
  *motorsSeen = d.hardware.started;
  const bool mustCut = (!plan.writes.empty() && *plan.writes.begin() <= baselineWrites) ||
                       (!plan.wipes.empty() && *plan.wipes.begin() <= baselineWrites) ||
                       (!plan.dispenses.empty() && *plan.dispenses.begin() <= baselineMotors);
  if (mustCut && d.reboots == 0) return "the planned power cut never happened";

  // The invariant of the issue: no item's motor ever runs twice.
  std::map<std::pair<uint8_t, uint32_t>, int> runs, complete;
  for (const Dispensed& x : d.hardware.history) {
    const auto key = std::make_pair(x.frasco, x.amountMg);
    if (++runs[key] > 1) {
      return "motor of frasco " + std::to_string(x.frasco) + " ran twice for the item of " +
             std::to_string(x.amountMg) + " mg";
    }
    if (x.complete) ++complete[key];
  }
  std::map<uint8_t, int64_t> expected;
  for (size_t j = 0; j < ids.size(); ++j) {
    const ServerJob& job = *d.server.find(ids[j]);
    const auto entries = parseReport(job.report);
    for (size_t position = 0; position < job.items.size(); ++position) {
      const ServerItem& item = job.items[position];
      const auto key = std::make_pair(item.frasco, item.amountMg);
      const std::string where = "job " + std::to_string(j) + " position " + std::to_string(position);
      auto it = entries.find(static_cast<int64_t>(position));
      if (it == entries.end()) return where + " missing from report";
      const ReportEntry& e = it->second;
      if (e.ok) {
        if (complete[key] != 1) return where + ": ok reported for an item not fully dispensed";
        if (e.dispensedMg != item.amountMg) return where + ": ok with a wrong amount";
        expected[item.frasco] += item.amountMg;
      } else {
        if (e.dispensedMg != 0) return where + ": failed item claims material";
        // Failed while material left the frasco: only the boot rule
        // (interrupted) or a lost record (record_lost) may say so.
        if (runs[key] == 1 && e.error != "interrupted" && e.error.rfind("record_lost:", 0) != 0) {
          return where + ": dispensed item failed as " + e.error;
        }
        if (sc.faulty.count(item.frasco) == 0 && e.error == "hardware_fault") {
          return where + ": hardware_fault on a healthy frasco";
        }
      }
    }
  }
  for (const auto& [frasco, mg] : d.server.deducted) {
    if (mg != expected[frasco]) return "stock deduction differs on frasco " + std::to_string(frasco);
  }
  for (const auto& [frasco, mg] : expected) {
    if (d.server.deducted[frasco] != mg) return "stock deduction differs on frasco " + std::to_string(frasco);
  }
  // And the flash is erased: a reboot starts idle.
  d.boot();
  if (d.runner->state() != JobRunner::State::Idle) return "flash not erased after the report";
  return "";
}

std::string describe(const Scenario& sc, const CrashPlan& p) {
  std::string s = std::string(sc.name) + ": ";
  s += p.mode == CutMode::Torn ? "torn" : p.mode == CutMode::BeforeWrite ? "before" : "after";
  for (int w : p.writes) s += " write#" + std::to_string(w);
  for (int w : p.wipes) s += " wipe@write#" + std::to_string(w);
  for (int m : p.dispenses) s += " motor#" + std::to_string(m);
  return s;
}

int plansRun = 0;

int checkPlans(const Scenario& sc, const std::vector<CrashPlan>& plans, int baselineWrites,
               int baselineMotors) {
  int failures = 0;
  for (const CrashPlan& plan : plans) {
    int writes = 0, motors = 0;
    const std::string problem = runPlan(sc, plan, &writes, &motors, baselineWrites, baselineMotors);
    ++plansRun;
    if (!problem.empty()) {
      ++failures;
      check::fail(__FILE__, __LINE__, describe(sc, plan) + ": " + problem);
    }
  }
  return failures;
}

/// Every single cut, every wipe, and every pair (write+write, write+motor,
/// motor+motor, wipe+write, wipe+motor) for one scenario. A second cut may
/// land in the recovery run: write numbers are global, so pairs reach past
/// the baseline.
std::vector<CrashPlan> sweepPlans(int baselineWrites, int baselineMotors) {
  const CutMode modes[] = {CutMode::BeforeWrite, CutMode::Torn, CutMode::AfterWrite};
  const int w = baselineWrites + 4;
  const int m = baselineMotors + 1;
  std::vector<CrashPlan> plans;
  for (CutMode mode : modes) {
    for (int a = 1; a <= w; ++a) {
      plans.push_back({{a}, {}, mode, {}});
      for (int b = a + 1; b <= w; ++b) plans.push_back({{a, b}, {}, mode, {}});
      for (int k = 1; k <= m; ++k) plans.push_back({{a}, {k}, mode, {}});
    }
    for (int k = 1; k <= m; ++k) {
      plans.push_back({{}, {k}, mode, {}});
      for (int l = k + 1; l <= m; ++l) plans.push_back({{}, {k, l}, mode, {}});
    }
  }
  // Losing both slots (no cut mode: the store is gone either way).
  for (int a = 1; a <= baselineWrites; ++a) {
    plans.push_back({{}, {}, CutMode::Torn, {a}});
    for (int b = a + 1; b <= w; ++b) plans.push_back({{b}, {}, CutMode::Torn, {a}});
    for (int k = 1; k <= m; ++k) plans.push_back({{}, {k}, CutMode::Torn, {a}});
  }
  return plans;
}

}  // namespace

TEST(crash_baseline_has_one_format_and_eight_job_writes) {
  int writes = 0, motors = 0;
  CHECK(runPlan(scenarios()[0], {{}, {}, CutMode::Torn, {}}, &writes, &motors).empty());
  CHECK_EQ(writes, 9);
  CHECK_EQ(motors, 3);
}

TEST(crash_sweep_every_scenario_single_pairs_and_wipes) {
  plansRun = 0;
  for (const Scenario& sc : scenarios()) {
    int writes = 0, motors = 0;
    CHECK(runPlan(sc, {{}, {}, CutMode::Torn, {}}, &writes, &motors).empty());
    CHECK_EQ(checkPlans(sc, sweepPlans(writes, motors), writes, motors), 0);
  }
  CHECK(plansRun > 3000);
  std::printf("crash sweep: %d plans over %zu scenarios\n", plansRun, scenarios().size());
}

TEST(crash_wipe_after_first_item_never_runs_its_motor_again) {
  // The issue's reproduction: flash wiped after item 0 → frasco 0 ran twice.
  Device d;
  const uint64_t id = d.server.addJob({{0, 100}, {1, 200}, {2, 300}});
  d.flash.wipeAt = {5};  // format, accept, start 0, result 0, start 1 ← wiped here
  d.boot();
  CHECK(d.runUntil([&] { return d.jobSettled(id); }, 200));
  CHECK_EQ(d.hardware.history.size(), 1u);
  CHECK(d.log.contains("record_lost: job=1 delivery=2"));
  const auto entries = parseReport(d.server.find(id)->report);
  CHECK_EQ(entries.size(), 3u);
  for (const auto& [position, e] : entries) {
    CHECK(!e.ok && e.dispensedMg == 0);
    CHECK(e.error == "record_lost: device lost its job record; recount stock");
  }
  CHECK(d.server.deducted.empty());
  CHECK(d.server.find(id)->status == "failed");
}

TEST(crash_redelivery_after_a_failed_first_write_is_not_a_lost_record) {
  // The job's first write failed (no power cut): nothing ran; the server
  // hands it back as delivery 2, and the device dispenses it normally.
  Device d;
  const uint64_t id = d.server.addJob({{0, 100}});
  d.flash.failAt = {2};
  d.boot();
  CHECK(d.runUntil([&] { return d.jobSettled(id); }, 200));
  CHECK_EQ(d.server.find(id)->delivery, 2u);
  CHECK_EQ(d.hardware.history.size(), 1u);
  CHECK(d.server.find(id)->status == "done");
}

TEST(crash_lost_poll_reply_on_an_intact_store_is_dispensed_once) {
  // The answer to a poll is lost (the server made the job running): the next
  // poll hands it back as delivery 2. The store was intact at boot, so no
  // motor can have run for it: it is dispensed, once.
  Device d;
  d.boot();  // formats the store
  d.step();  // an empty poll answered: the store is trusted from now on
  const uint64_t id = d.server.addJob({{0, 100}, {1, 200}});
  d.server.faults = {Fault::Drop, Fault::LostReply};  // the heartbeat, then the poll
  d.boot();
  CHECK(d.runUntil([&] { return d.jobSettled(id); }, 200));
  CHECK_EQ(d.server.find(id)->delivery, 2u);
  CHECK_EQ(d.hardware.history.size(), 2u);
  CHECK(d.server.find(id)->status == "done");
}

TEST(crash_every_write_also_with_a_lossy_network) {
  // The same single cuts while the complete report is lost twice and the
  // server errs once: replays and retries must not change the outcome.
  std::vector<CrashPlan> plans;
  for (int w = 1; w <= 8; ++w) plans.push_back({{w}, {}, CutMode::Torn, {}});
  int failures = 0;
  for (const CrashPlan& plan : plans) {
    Device d;
    d.flash.cutAt = plan.writes;
    d.server.completeFaults = {Fault::LostReply, Fault::ServerError, Fault::LostReply};
    const uint64_t id = d.server.addJob({{0, 100}, {1, 200}, {2, 300}});
    d.boot();
    if (!d.runUntil([&] { return d.jobSettled(id); }, 500)) ++failures;
    if (d.hardware.history.size() > 3) ++failures;
    int64_t total = 0;
    for (const auto& [f, mg] : d.server.deducted) total += mg;
    if (total > 600) ++failures;
  }
  CHECK_EQ(failures, 0);
}
