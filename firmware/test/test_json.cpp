// CRC-32, the fixed-buffer JSON writer and reader, and the job payload parser,
// including hostile input.
#include <cstring>
#include <string>

#include "../core/crc32.h"
#include "../core/json_reader.h"
#include "../core/json_writer.h"
#include "../core/text_builder.h"
#include "../core/wire.h"
#include "check.h"

using namespace yaguts;

TEST(crc32_known_vector) {
  CHECK_EQ(crc32(0, "123456789", 9), 0xCBF43926u);
  CHECK_EQ(crc32(0, "", 0), 0u);
  // Incremental equals one-shot.
  CHECK_EQ(crc32(crc32(0, "1234", 4), "56789", 5), 0xCBF43926u);
}

TEST(json_writer_builds_compact_escaped_json) {
  char buf[128];
  JsonWriter w(buf, sizeof buf);
  w.beginObject();
  w.key("a");
  w.integer(-9223372036854775807LL - 1);
  w.key("s");
  w.string("q\"\\\n\x01");
  w.key("l");
  w.beginArray();
  w.unsignedInteger(0);
  w.boolean(true);
  w.beginObject();
  w.endObject();
  w.endArray();
  w.endObject();
  CHECK(w.ok());
  CHECK(std::string(buf) ==
        "{\"a\":-9223372036854775808,\"s\":\"q\\\"\\\\\\n\\u0001\",\"l\":[0,true,{}]}");
}

TEST(json_writer_overflow_is_sticky_and_terminated) {
  char buf[10];
  JsonWriter w(buf, sizeof buf);
  w.beginObject();
  w.key("long_key_name");
  w.integer(1);
  w.endObject();
  CHECK(!w.ok());
  CHECK(std::strlen(buf) < sizeof buf);
}

TEST(text_builder_truncates) {
  char buf[8];
  TextBuilder b(buf, sizeof buf);
  b.text("abc").number(-42).unsignedNumber(123456);
  CHECK(std::string(buf) == "abc-421");
}

static bool readAll(const std::string& text) {
  JsonReader r(text.data(), text.size());
  return r.skipValue() && r.finished();
}

TEST(json_reader_accepts_valid_documents) {
  CHECK(readAll("{}"));
  CHECK(readAll("[]"));
  CHECK(readAll(" {\"a\" : [1, -2, 3.5e+2, \"x\\u00e9\\n\", true, false, null, {\"b\":{}}]} "));
  CHECK(readAll("\"just a string\""));
  CHECK(readAll("0"));
}

TEST(json_reader_rejects_malformed_documents) {
  const char* bad[] = {"", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "[1 2]",
                       "\"unterminated", "\"bad\\q\"", "tru", "01", "-", "1.", "1e",
                       "{\"a\":1}}", "[\"\x01\"]", "[[[[", "{\"a\":[}]", "\"\\u12G4\""};
  for (const char* text : bad) {
    if (readAll(text)) check::fail(__FILE__, __LINE__, std::string("accepted: ") + text);
  }
}

TEST(json_reader_depth_is_bounded) {
  std::string deep(40, '[');
  deep += std::string(40, ']');
  CHECK(!readAll(deep));
  std::string ok(30, '[');
  ok += std::string(30, ']');
  CHECK(readAll(ok));
}

TEST(json_reader_integers_are_exact_and_bounded) {
  int64_t v = 0;
  JsonReader a("9223372036854775807", 19);
  CHECK(a.readInt(&v) && v == INT64_MAX);
  JsonReader b("-9223372036854775808", 20);
  CHECK(b.readInt(&v) && v == INT64_MIN);
  JsonReader c("9223372036854775808", 19);
  CHECK(!c.readInt(&v));
  JsonReader d("12.5", 4);
  CHECK(!d.readInt(&v));
}

static const char kJob[] =
    "{\"job\":{\"id\":42,\"device_id\":3,\"status\":\"running\",\"extra\":{\"x\":[1,{\"y\":null}]},"
    "\"items\":[{\"position\":0,\"frasco_index\":2,\"amount_mg\":500,\"status\":\"pending\"},"
    "{\"amount_mg\":750,\"position\":1,\"frasco_index\":0,\"dispensed_mg\":0}],"
    "\"created_at\":\"2024-01-01T00:00:00Z\"}}";

TEST(parse_job_reads_items_in_order_and_skips_unknown_members) {
  static Job job;
  CHECK(parseJobResponse(kJob, sizeof kJob - 1, 4, &job) == JobParse::Ok);
  CHECK_EQ(job.id, 42u);
  CHECK_EQ(static_cast<int>(job.itemCount), 2);
  CHECK(job.phase == JobPhase::Running);
  CHECK_EQ(static_cast<int>(job.items[0].frasco), 2);
  CHECK_EQ(job.items[0].amountMg, 500u);
  CHECK_EQ(static_cast<int>(job.items[1].position), 1);
  CHECK_EQ(job.items[1].amountMg, 750u);
}

TEST(parse_job_marks_items_the_hardware_cannot_do) {
  static Job job;
  // Frasco 2 does not exist on a 2-frasco device; amount 2^32 does not fit.
  const std::string body =
      "{\"job\":{\"id\":7,\"items\":[{\"position\":0,\"frasco_index\":2,\"amount_mg\":5},"
      "{\"position\":1,\"frasco_index\":1,\"amount_mg\":4294967296},"
      "{\"position\":2,\"frasco_index\":1,\"amount_mg\":10}]}}";
  CHECK(parseJobResponse(body.data(), body.size(), 2, &job) == JobParse::Ok);
  CHECK(job.items[0].status == ItemStatus::Failed && job.items[0].error == ItemError::InvalidFrasco);
  CHECK(job.items[1].status == ItemStatus::Failed && job.items[1].error == ItemError::InvalidAmount);
  CHECK(job.items[2].status == ItemStatus::Pending);
}

TEST(parse_job_with_unusable_items_becomes_an_empty_report) {
  static Job job;
  const std::string dup =
      "{\"job\":{\"id\":9,\"items\":[{\"position\":0,\"frasco_index\":0,\"amount_mg\":5},"
      "{\"position\":0,\"frasco_index\":1,\"amount_mg\":5}]}}";
  CHECK(parseJobResponse(dup.data(), dup.size(), 4, &job) == JobParse::Malformed);
  CHECK_EQ(job.id, 9u);
  CHECK_EQ(static_cast<int>(job.itemCount), 0);
  CHECK(job.phase == JobPhase::Reporting);
  std::string many = "{\"job\":{\"id\":10,\"items\":[";
  for (int i = 0; i < 33; ++i) {
    many += (i ? "," : "") + std::string("{\"position\":") + std::to_string(i) +
            ",\"frasco_index\":0,\"amount_mg\":1}";
  }
  many += "]}}";
  CHECK(parseJobResponse(many.data(), many.size(), 4, &job) == JobParse::Malformed);
  const std::string noId = "{\"job\":{\"items\":[]}}";
  CHECK(parseJobResponse(noId.data(), noId.size(), 4, &job) == JobParse::Unreadable);
}

TEST(parse_job_survives_mutated_and_random_input) {
  // Every truncation, and many byte flips, of a valid payload: the parser must
  // never read out of bounds (ASan) and never report Ok with bogus items.
  static Job job;
  const std::string base(kJob);
  for (size_t cut = 0; cut < base.size(); ++cut) {
    const JobParse result = parseJobResponse(base.data(), cut, 4, &job);
    CHECK(result != JobParse::Ok);
  }
  uint32_t rng = 12345;
  auto next = [&rng] { rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5; return rng; };
  for (int round = 0; round < 20000; ++round) {
    std::string text = base;
    const int flips = 1 + static_cast<int>(next() % 4);
    for (int f = 0; f < flips; ++f) text[next() % text.size()] = static_cast<char>(next() & 0xFF);
    if (parseJobResponse(text.data(), text.size(), 4, &job) == JobParse::Ok) {
      for (size_t i = 0; i < job.itemCount; ++i) {
        CHECK(job.items[i].position < job.itemCount);
        CHECK(job.items[i].status != ItemStatus::Pending || job.items[i].frasco < 4);
      }
    }
    std::string noise(next() % 64, ' ');
    static const char kAlphabet[] = "{}[]\":,0-9.etrufalsn\\ ";
    for (char& c : noise) c = kAlphabet[next() % (sizeof kAlphabet - 1)];
    parseJobResponse(noise.data(), noise.size(), 4, &job);
  }
}

TEST(complete_report_is_a_pure_function_of_the_record) {
  static Job job;
  CHECK(parseJobResponse(kJob, sizeof kJob - 1, 4, &job) == JobParse::Ok);
  job.items[0].status = ItemStatus::Ok;
  job.items[0].dispensedMg = 500;
  job.items[0].deviceMs = 77;
  job.items[1].status = ItemStatus::Failed;
  job.items[1].error = ItemError::Interrupted;
  char a[512], b[512];
  const size_t n = writeCompleteReport(job, "1.2.3", a, sizeof a);
  CHECK(n > 0);
  CHECK(std::string(a) ==
        "{\"execution_logs\":[{\"position\":0,\"frasco_index\":2,\"status\":\"ok\",\"dispensed_mg\":500,"
        "\"device_ms\":77},{\"position\":1,\"frasco_index\":0,\"status\":\"failed\",\"dispensed_mg\":0,"
        "\"error\":\"interrupted\"}],\"fw_version\":\"1.2.3\"}");
  CHECK_EQ(writeCompleteReport(job, "1.2.3", b, sizeof b), n);
  CHECK(std::memcmp(a, b, n) == 0);
  CHECK_EQ(writeCompleteReport(job, "1.2.3", b, 40), 0u);  // too small: refused, not truncated
}

TEST(full_job_report_fits_the_request_buffer) {
  static Job job;
  job.clear();
  job.id = UINT64_MAX;
  job.itemCount = kMaxItems;
  for (size_t i = 0; i < kMaxItems; ++i) {
    job.items[i] = {static_cast<uint8_t>(i), 255, ItemStatus::Failed, ItemError::HardwareFault,
                    UINT32_MAX, UINT32_MAX, UINT32_MAX};
  }
  static char out[kRequestCapacity];
  CHECK(writeCompleteReport(job, "0123456789abcdef0123456789abcdef", out, sizeof out) > 0);
}
