// The job state machine against a fake server, flash and hardware: the happy
// path, Wi-Fi and server outages, retries, lost replies, 401/404/409, and the
// boot rule.
#include <algorithm>
#include <string>

#include "check.h"
#include "rig.h"

using namespace rig;

static std::vector<ServerItem> threeItems() { return {{0, 100}, {1, 200}, {2, 300}}; }

TEST(runner_happy_path_dispenses_reports_and_erases) {
  Device d;
  const uint64_t id = d.server.addJob(threeItems());
  d.boot();
  CHECK(d.runUntil([&] { return d.jobSettled(id); }));
  CHECK_EQ(d.hardware.history.size(), 3u);
  CHECK(d.server.find(id)->status == "done");
  CHECK_EQ(d.server.deducted[0], 100);
  CHECK_EQ(d.server.deducted[2], 300);
  // 1 (job) + 2 per item (starting, result; the last also says "report
  // pending") + 1 (erase) = 2n + 2 flash writes per job, after the one
  // write that formats a factory-new store at first boot.
  CHECK_EQ(d.runner->flashWrites(), 9u);
  CHECK_EQ(d.server.progress, 6);
  CHECK(d.server.heartbeats >= 1);
  CHECK_EQ(d.reboots, 0);
  // The erase is a durable Idle record: a reboot finds nothing to do.
  d.boot();
  CHECK(d.runner->state() == JobRunner::State::Idle);
  CHECK(d.log.contains("boot: no job in flash"));
}

TEST(runner_keeps_dispensing_without_wifi_and_reports_when_back) {
  Device d;
  const uint64_t id = d.server.addJob(threeItems());
  d.boot();
  CHECK(d.runUntil([&] { return d.runner->state() == JobRunner::State::Running; }));
  d.status.wifi = false;
  CHECK(d.runUntil([&] { return d.hardware.history.size() == 3; }, 10));
  for (int i = 0; i < 50; ++i) d.step();  // minutes offline: nothing reaches the server
  CHECK(d.server.find(id)->report.empty());
  CHECK(d.runner->state() == JobRunner::State::Reporting);
  d.status.wifi = true;
  CHECK(d.runUntil([&] { return d.jobSettled(id); }, 10));
  CHECK_EQ(d.hardware.history.size(), 3u);
}

TEST(runner_retries_complete_every_period_with_jitter) {
  Device d;
  const uint64_t id = d.server.addJob(threeItems());
  d.boot();
  CHECK(d.runUntil([&] { return d.runner->state() == JobRunner::State::Reporting; }));
  d.server.completeFaults.assign(6, Fault::ServerError);
  CHECK(d.runUntil([&] { return d.jobSettled(id); }));
  const auto& t = d.server.completeTimes;
  CHECK_EQ(t.size(), 7u);
  bool allSame = true;
  for (size_t i = 1; i < t.size(); ++i) {
    const uint32_t gap = t[i] - t[i - 1];
    CHECK(gap >= 27000 && gap <= 33000);  // 30 s ± 10 %
    if (i > 1 && gap != t[1] - t[0]) allSame = false;
  }
  CHECK(!allSame);  // jitter actually varies
}

TEST(runner_survives_dropped_slow_and_failing_requests) {
  Device d;
  d.boot();  // formats the store: a lost poll reply is then told from a lost record
  d.step();  // an empty poll answered: the store is trusted from now on
  const uint64_t id = d.server.addJob(threeItems());
  d.server.slowMs = 60000;  // beyond every timeout
  d.server.faults = {Fault::Drop, Fault::ServerError, Fault::Slow, Fault::LostReply, Fault::Drop,
                     Fault::Slow, Fault::ServerError, Fault::Drop, Fault::Drop, Fault::LostReply};
  d.boot();
  CHECK(d.runUntil([&] { return d.jobSettled(id); }));
  CHECK_EQ(d.hardware.history.size(), 3u);
  CHECK(d.server.find(id)->status == "done");
}

TEST(runner_lost_reply_to_complete_is_settled_by_replay) {
  Device d;
  const uint64_t id = d.server.addJob(threeItems());
  d.server.completeFaults = {Fault::LostReply, Fault::LostReply};
  d.boot();
  CHECK(d.runUntil([&] { return d.jobSettled(id); }));
  CHECK_EQ(d.server.completes, 3);
  CHECK_EQ(d.server.replays, 2);
  CHECK_EQ(d.server.deducted[1], 200);  // deducted once
}

TEST(runner_report_pending_survives_reboot_and_is_sent_at_once) {
  Device d;
  const uint64_t id = d.server.addJob(threeItems());
  d.server.down = false;
  d.boot();
  CHECK(d.runUntil([&] { return d.runner->state() == JobRunner::State::Reporting; }));
  d.server.down = true;
  d.step();
  d.step();
  d.boot();  // a reset: no power cut, just a restart
  CHECK(d.runner->state() == JobRunner::State::Reporting);
  d.server.down = false;
  const uint32_t before = d.clock.now;
  CHECK(d.runUntil([&] { return d.jobSettled(id); }, 3));
  CHECK(d.server.completeTimes.back() - before < 1000);
  CHECK_EQ(d.hardware.history.size(), 3u);
}

TEST(runner_409_means_the_server_already_has_a_result) {
  Device d;
  const uint64_t id = d.server.addJob(threeItems());
  d.server.find(id)->report = "{\"someone\":\"else\"}";  // a different, earlier result
  d.boot();
  CHECK(d.runUntil([&] { return d.runner->reportsFinished() == 1; }));
  CHECK(d.runner->state() == JobRunner::State::Idle);
  CHECK(d.log.contains("already has a result"));
  CHECK(d.server.deducted.empty());
}

TEST(runner_404_on_complete_gives_up_and_erases) {
  Device d;
  const uint64_t id = d.server.addJob(threeItems());
  d.boot();
  CHECK(d.runUntil([&] { return d.runner->state() == JobRunner::State::Reporting; }));
  d.server.find(id)->status = "deleted";
  const int before = d.server.requests;
  CHECK(d.runUntil([&] { return d.runner->reportsFinished() == 1; }, 5));
  CHECK(d.runner->state() == JobRunner::State::Idle);
  CHECK(d.log.contains("job unknown to server"));
  CHECK(d.server.requests - before <= 2);  // no retry loop
  d.boot();
  CHECK(d.runner->state() == JobRunner::State::Idle);
}

TEST(runner_401_stops_requests_but_not_the_motor) {
  Device d;
  const uint64_t id = d.server.addJob(threeItems());
  d.boot();
  CHECK(d.runUntil([&] { return d.runner->state() == JobRunner::State::Running; }));
  d.server.revoked = true;
  CHECK(d.runUntil([&] { return d.hardware.history.size() == 3; }, 10));
  CHECK(d.runner->revoked());
  const int before = d.server.requests + d.server.heartbeats + d.server.polls;
  const uint32_t t0 = d.clock.now;
  for (int i = 0; i < 100; ++i) d.step();
  CHECK_EQ(d.server.requests + d.server.heartbeats + d.server.polls, before);
  CHECK(d.clock.now - t0 >= 100u * 60000u);  // it idles, it does not spin
  CHECK(d.runner->state() == JobRunner::State::Reporting);  // the report waits in flash
  d.server.revoked = false;  // a new token was provisioned
  d.runner->clearRevoked();
  CHECK(d.runUntil([&] { return d.jobSettled(id); }, 5));
}

TEST(runner_401_on_poll_goes_quiet) {
  Device d;
  d.server.revoked = true;
  d.boot();
  for (int i = 0; i < 20; ++i) d.step();
  CHECK(d.runner->revoked());
  CHECK(d.server.polls == 0 && d.server.heartbeats == 0);  // 401 is answered before counting
  CHECK(d.log.contains("401"));
  int lines401 = 0;
  for (const auto& l : d.log.lines) lines401 += l.find("401") != std::string::npos;
  CHECK_EQ(lines401, 1);
}

TEST(runner_hardware_fault_and_unknown_frasco_fail_items_without_retrying) {
  Device d;
  d.hardware.faulty = {1};
  const uint64_t id = d.server.addJob({{0, 100}, {1, 200}, {9, 300}});
  d.boot();
  CHECK(d.runUntil([&] { return d.jobSettled(id); }));
  CHECK_EQ(d.hardware.history.size(), 1u);
  CHECK_EQ(d.hardware.started, 2);  // frasco 9 never reached the motor
  const std::string& r = d.server.find(id)->report;
  CHECK(r.find("\"error\":\"hardware_fault\"") != std::string::npos);
  CHECK(r.find("\"error\":\"invalid_frasco\"") != std::string::npos);
  CHECK(d.server.find(id)->status == "done_partial");
}

TEST(runner_never_runs_the_motor_before_starting_is_durable) {
  Device d;
  const uint64_t id = d.server.addJob(threeItems());
  d.boot();
  CHECK(d.runUntil([&] { return d.runner->state() == JobRunner::State::Running; }));
  d.flash.failNext = 3;  // "starting item 0" fails three times
  for (int i = 0; i < 3; ++i) {
    d.step();
    CHECK_EQ(d.hardware.started, 0);
  }
  CHECK(d.runUntil([&] { return d.jobSettled(id); }));
  CHECK_EQ(d.hardware.history.size(), 3u);
}

TEST(runner_failed_result_write_is_retried_before_anything_else) {
  Device d;
  const uint64_t id = d.server.addJob(threeItems());
  d.boot();
  CHECK(d.runUntil([&] { return d.runner->state() == JobRunner::State::Running; }));
  d.flash.failAt = {d.flash.writes + 2, d.flash.writes + 3};  // item 0's result, and its first retry
  d.step();
  CHECK_EQ(d.hardware.history.size(), 1u);
  CHECK(d.runner->job().items[0].status == ItemStatus::Ok);  // known in RAM only
  d.step();  // the retry fails too: nothing else may happen
  CHECK_EQ(d.hardware.started, 1);
  CHECK(d.runUntil([&] { return d.jobSettled(id); }));
  CHECK_EQ(d.hardware.history.size(), 3u);
  CHECK(d.server.find(id)->status == "done");
}

TEST(runner_malformed_job_is_reported_failed_not_dispensed) {
  Device d;
  const uint64_t id = d.server.addJob({{0, 1}});
  d.server.find(id)->items.clear();  // the server sends "items":[]
  d.boot();
  CHECK(d.runUntil([&] { return d.runner->reportsFinished() == 1; }));
  CHECK_EQ(d.hardware.started, 0);
  CHECK(d.server.find(id)->report.find("\"execution_logs\":[]") != std::string::npos);
}

TEST(runner_boot_rule_reports_starting_item_interrupted) {
  Device d;
  const uint64_t id = d.server.addJob(threeItems());
  d.hardware.cutDuring = {2};  // power dies while item 1's motor runs
  d.boot();
  CHECK(d.runUntil([&] { return d.jobSettled(id); }));
  CHECK_EQ(d.reboots, 1);
  CHECK_EQ(d.hardware.history.size(), 3u);  // item 1 partially, never again
  const int frasco1 = static_cast<int>(std::count_if(d.hardware.history.begin(), d.hardware.history.end(),
                                                     [](const Dispensed& x) { return x.frasco == 1; }));
  CHECK_EQ(frasco1, 1);
  const std::string& r = d.server.find(id)->report;
  CHECK(r.find("{\"position\":1,\"frasco_index\":1,\"status\":\"failed\",\"dispensed_mg\":0,\"error\":\"interrupted\"}") !=
        std::string::npos);
  CHECK(d.server.find(id)->status == "done_partial");
  CHECK(d.log.contains("interrupted; never dispensed again"));
}

TEST(runner_heartbeats_periodically_with_fw_version) {
  Device d;
  d.boot();
  const uint32_t t0 = d.clock.now;
  while (d.clock.now - t0 < 300000) d.step();  // five minutes of empty long polls
  CHECK(d.server.heartbeats >= 9 && d.server.heartbeats <= 11);
}

TEST(runner_uptime_does_not_wrap_with_the_32_bit_clock) {
  // 60 days of uptime: the 32-bit ms clock wraps after 49.7.
  Device d;
  d.boot();
  for (int i = 0; i < 6; ++i) {
    d.clock.sleepMs(10u * 86400u * 1000u);
    d.step();
  }
  CHECK(d.server.lastHeartbeatBody.find("\"uptime_s\":518") != std::string::npos);
}
