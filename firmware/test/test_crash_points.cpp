// The exhaustive crash-point test. For a 3-item job, cut power at every flash
// write (torn, before, or after the bytes land) and at every motor run, then
// at every pair of such points, reboot, and run to the end. Every run must
// dispense each bottle at most once, get the report accepted exactly once,
// and report a log consistent with what the hardware really did.
#include <algorithm>
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
};

struct ReportEntry {
  bool ok = false;
  int64_t dispensedMg = -1;
  std::string error;
};

std::map<int64_t, ReportEntry> parseReport(const std::string& body) {
  std::map<int64_t, ReportEntry> out;
  JsonReader r(body.data(), body.size());
  JsonSpan name, value;
  if (!r.beginObject()) return out;
  while (r.nextMember(&name)) {
    if (!(name == "execution_logs")) {
      r.skipValue();
      continue;
    }
    r.beginArray();
    while (r.nextElement()) {
      int64_t position = -1;
      ReportEntry e;
      r.beginObject();
      while (r.nextMember(&name)) {
        if (name == "position") r.readInt(&position);
        else if (name == "dispensed_mg") r.readInt(&e.dispensedMg);
        else if (name == "status") { r.readString(&value); e.ok = value == "ok"; }
        else if (name == "error") { r.readString(&value); e.error.assign(value.data, value.length); }
        else r.skipValue();
      }
      out[position] = e;
    }
  }
  return out;
}

/// Runs one crash plan; returns a description of the first violated
/// invariant, or "" if all hold.
std::string runPlan(const CrashPlan& plan, int* writesSeen) {
  Device d;
  d.flash.cutAt = plan.writes;
  d.flash.mode = plan.mode;
  d.hardware.cutDuring = plan.dispenses;
  const uint64_t id = d.server.addJob({{0, 100}, {1, 200}, {2, 300}});
  d.boot();
  if (!d.runUntil([&] { return d.jobSettled(id); }, 500)) return "job never settled";
  *writesSeen = d.flash.writes;
  // Cuts within the baseline's 8 writes or 3 motor runs must happen.
  const bool mustCut = (!plan.writes.empty() && *plan.writes.begin() <= 8) ||
                       (!plan.dispenses.empty() && *plan.dispenses.begin() <= 3);
  if (mustCut && d.reboots == 0) return "the planned power cut never happened";
  const ServerJob& job = *d.server.find(id);

  std::map<uint8_t, int> runs;     // motor starts per frasco (complete or not)
  std::map<uint8_t, int> complete;
  for (const Dispensed& x : d.hardware.history) {
    ++runs[x.frasco];
    if (x.complete) ++complete[x.frasco];
  }
  for (const auto& [frasco, n] : runs) {
    if (n > 1) return "frasco " + std::to_string(frasco) + " dispensed " + std::to_string(n) + " times";
  }
  if (d.server.completes - d.server.replays < 1) return "no report accepted";

  const auto entries = parseReport(job.report);
  int64_t expectedDeduction[3] = {0, 0, 0};
  for (int position = 0; position < 3; ++position) {
    const uint8_t frasco = static_cast<uint8_t>(position);  // items use frascos 0, 1, 2
    const uint32_t amount = 100u * (position + 1);
    auto it = entries.find(position);
    if (it == entries.end()) return "position " + std::to_string(position) + " missing from report";
    const ReportEntry& e = it->second;
    if (e.ok) {
      if (complete[frasco] != 1) return "ok reported for an item not fully dispensed";
      if (e.dispensedMg != amount) return "ok with a wrong amount";
      expectedDeduction[position] = amount;
    } else {
      if (e.dispensedMg != 0) return "failed item claims material";
      // Failed while material left the frasco: only the boot rule may do that.
      if (runs[frasco] == 1 && e.error != "interrupted") return "dispensed item failed as " + e.error;
      // (Interrupted with no material is possible too: "starting" became
      // durable and power went before the motor ran.)
    }
  }
  for (int f = 0; f < 3; ++f) {
    const int64_t got = d.server.deducted.count(static_cast<uint8_t>(f)) ? d.server.deducted[static_cast<uint8_t>(f)] : 0;
    if (got != expectedDeduction[f]) return "stock deduction differs on frasco " + std::to_string(f);
  }
  // And the flash is erased: a reboot starts idle.
  d.boot();
  if (d.runner->state() != JobRunner::State::Idle) return "flash not erased after the report";
  return "";
}

std::string describe(const CrashPlan& p) {
  std::string s = p.mode == CutMode::Torn ? "torn" : p.mode == CutMode::BeforeWrite ? "before" : "after";
  for (int w : p.writes) s += " write#" + std::to_string(w);
  for (int m : p.dispenses) s += " motor#" + std::to_string(m);
  return s;
}

int checkPlans(const std::vector<CrashPlan>& plans) {
  int failures = 0;
  for (const CrashPlan& plan : plans) {
    int writes = 0;
    const std::string problem = runPlan(plan, &writes);
    if (!problem.empty()) {
      ++failures;
      check::fail(__FILE__, __LINE__, describe(plan) + ": " + problem);
    }
  }
  return failures;
}

}  // namespace

TEST(crash_baseline_has_eight_writes) {
  int writes = 0;
  CHECK(runPlan({{}, {}, CutMode::Torn}, &writes).empty());
  CHECK_EQ(writes, 8);
}

TEST(crash_at_every_single_write_and_motor_run) {
  const CutMode modes[] = {CutMode::BeforeWrite, CutMode::Torn, CutMode::AfterWrite};
  std::vector<CrashPlan> plans;
  for (CutMode mode : modes) {
    for (int w = 1; w <= 8; ++w) plans.push_back({{w}, {}, mode});
    for (int m = 1; m <= 3; ++m) plans.push_back({{}, {m}, mode});
  }
  CHECK_EQ(checkPlans(plans), 0);
}

TEST(crash_at_every_pair_of_points) {
  // A second cut may land in the recovery run (write numbers are global and
  // recovery adds writes, so the range extends past the baseline's 8).
  const CutMode modes[] = {CutMode::BeforeWrite, CutMode::Torn, CutMode::AfterWrite};
  std::vector<CrashPlan> plans;
  for (CutMode mode : modes) {
    for (int a = 1; a <= 12; ++a) {
      for (int b = a + 1; b <= 12; ++b) plans.push_back({{a, b}, {}, mode});
      for (int m = 1; m <= 4; ++m) plans.push_back({{a}, {m}, mode});
    }
  }
  CHECK(plans.size() > 300);
  CHECK_EQ(checkPlans(plans), 0);
}

TEST(crash_every_write_also_with_a_lossy_network) {
  // The same single cuts while the complete report is lost twice and the
  // server errs once: replays and retries must not change the outcome.
  std::vector<CrashPlan> plans;
  for (int w = 1; w <= 8; ++w) plans.push_back({{w}, {}, CutMode::Torn});
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
