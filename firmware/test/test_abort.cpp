// Abort of a running job (issue 12, point 3): the device learns it from a
// progress reply or a heartbeat, runs no further motor, and reports the items
// left failed "aborted" in its normal completion report.
#include <string>

#include "../core/wire.h"
#include "check.h"
#include "rig.h"

using namespace rig;

namespace {

std::vector<ServerItem> fourItems() { return {{0, 100}, {1, 200}, {2, 300}, {0, 400}}; }

}  // namespace

TEST(abort_from_progress_reply_stops_before_the_next_item) {
  Device d;
  const uint64_t id = d.server.addJob(fourItems());
  d.hardware.afterDispense = [&](int started) {
    if (started == 2) d.server.find(id)->abortRequested = true;
  };
  d.boot();
  CHECK(d.runUntil([&] { return d.jobSettled(id); }));
  CHECK_EQ(d.hardware.history.size(), 2u);
  const auto entries = parseReport(d.server.find(id)->report);
  CHECK_EQ(entries.size(), 4u);
  CHECK(entries.at(0).ok && entries.at(1).ok);
  for (int64_t p : {2, 3}) {
    CHECK(!entries.at(p).ok && entries.at(p).dispensedMg == 0 && entries.at(p).error == "aborted");
  }
  CHECK(d.server.find(id)->status == "done_partial");
  CHECK_EQ(d.server.deducted[0], 100);  // item 3 (frasco 0, 400 mg) never ran
  CHECK_EQ(d.server.deducted[1], 200);
  CHECK_EQ(d.server.deducted.count(2), 0u);
  CHECK(d.log.contains("abort: job=1 items from index=2"));
}

TEST(abort_from_heartbeat_after_a_reboot_runs_no_motor) {
  // Power goes during item 1's motor; while the device is off a person
  // aborts. The first heartbeat after boot (before any item) says so.
  Device d;
  const uint64_t id = d.server.addJob(fourItems());
  d.hardware.cutDuring = {2};
  d.boot();
  for (int i = 0; i < 100 && d.step(); ++i) {
  }
  CHECK(!d.power.on);
  d.server.find(id)->abortRequested = true;
  d.boot();
  CHECK(d.runUntil([&] { return d.jobSettled(id); }));
  CHECK_EQ(d.hardware.started, 2);
  const auto entries = parseReport(d.server.find(id)->report);
  CHECK(entries.at(0).ok);
  CHECK(entries.at(1).error == "interrupted");
  CHECK(entries.at(2).error == "aborted" && entries.at(3).error == "aborted");
  CHECK_EQ(d.server.deducted[0], 100);
}

TEST(abort_answered_to_the_dispensing_post_stops_before_that_motor) {
  // The abort arrives in the reply to item 1's "dispensing" post: "starting"
  // is already durable, but the motor has not run; it never does.
  Device d;
  const uint64_t id = d.server.addJob(fourItems());
  d.server.onProgress = [](ServerJob& job, const std::string& body) {
    if (body.find("\"position\":1,") != std::string::npos && body.find("dispensing") != std::string::npos) {
      job.abortRequested = true;
    }
  };
  d.boot();
  CHECK(d.runUntil([&] { return d.jobSettled(id); }));
  CHECK_EQ(d.hardware.history.size(), 1u);
  const auto entries = parseReport(d.server.find(id)->report);
  CHECK(entries.at(0).ok);
  for (int64_t p : {1, 2, 3}) CHECK(entries.at(p).error == "aborted" && entries.at(p).dispensedMg == 0);
  CHECK(d.log.contains("abort: job=1 items from index=1"));
}

TEST(abort_of_another_job_or_false_changes_nothing) {
  Device d;
  const uint64_t id = d.server.addJob({{0, 100}, {1, 200}});
  d.server.find(d.server.addJob({{2, 300}}))->abortRequested = true;
  d.boot();
  CHECK(d.runUntil([&] { return d.jobSettled(id); }));
  CHECK(d.server.find(id)->status == "done");
  CHECK_EQ(d.hardware.history.size(), 2u);
}

TEST(wire_abort_flag_and_heartbeat_reply) {
  CHECK(parseAbortFlag("{\"abort\":true}", 14));
  CHECK(!parseAbortFlag("{\"abort\":false}", 15));
  CHECK(!parseAbortFlag("{}", 2));
  CHECK(!parseAbortFlag("{\"abort\":1}", 11));
  CHECK(!parseAbortFlag("", 0));
  HeartbeatReply reply;
  const std::string a = "{\"server_time\":\"x\",\"update\":null,\"abort_job_id\":42}";
  CHECK(parseHeartbeatReply(a.data(), a.size(), &reply));
  CHECK_EQ(reply.abortJobId, 42u);
  CHECK(!reply.hasUpdate);
  const std::string b = "{\"abort_job_id\":null}";
  CHECK(parseHeartbeatReply(b.data(), b.size(), &reply) && reply.abortJobId == 0);
}
