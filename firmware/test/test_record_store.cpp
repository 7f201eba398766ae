// The A/B record store: a torn or failed write leaves the previous record.
#include <memory>
#include <cstring>
#include <string>

#include "../core/bytes.h"
#include "../core/crc32.h"
#include "../core/job.h"
#include "../core/record_store.h"
#include "../host/fakes.h"
#include "check.h"

using namespace yaguts;
using namespace yaguts::fakes;

static bool saveText(RecordStore& store, const std::string& text) {
  std::memcpy(store.payload(), text.data(), text.size());
  return store.save(text.size());
}

static std::string loadText(RecordStore& store) {
  const size_t n = store.load();
  return std::string(reinterpret_cast<const char*>(store.payload()), n);
}

TEST(record_store_empty_flash_loads_nothing) {
  Power power;
  FakeFlash flash(power);
  auto storeOwner = std::make_unique<RecordStore>(flash, "a", "b");  // 4 KiB: heap, not stack
  RecordStore& store = *storeOwner;
  CHECK_EQ(store.load(), 0u);
}

TEST(record_store_alternates_slots_and_returns_newest) {
  Power power;
  FakeFlash flash(power);
  auto storeOwner = std::make_unique<RecordStore>(flash, "a", "b");  // 4 KiB: heap, not stack
  RecordStore& store = *storeOwner;
  store.load();
  for (int i = 1; i <= 5; ++i) {
    CHECK(saveText(store, "record " + std::to_string(i)));
    auto readerOwner = std::make_unique<RecordStore>(flash, "a", "b");  // 4 KiB: heap, not stack
    RecordStore& reader = *readerOwner;
    CHECK(loadText(reader) == "record " + std::to_string(i));
    CHECK_EQ(reader.sequence(), static_cast<uint32_t>(i));
  }
  CHECK_EQ(flash.cells.size(), 2u);
  CHECK_EQ(flash.writes, 5);
}

TEST(record_store_every_torn_prefix_leaves_previous_record) {
  // Tear the third write at every possible length, and with a flipped byte
  // at every position: the second record must come back intact.
  const std::string second = "the second record, intact";
  const std::string third = "the third record, which is torn";
  for (size_t keep = 0; keep < RecordStore::kHeaderSize + third.size(); ++keep) {
    for (int flip = -1; flip < 2; ++flip) {
      Power power;
      FakeFlash flash(power);
      auto storeOwner = std::make_unique<RecordStore>(flash, "a", "b");  // 4 KiB: heap, not stack
      RecordStore& store = *storeOwner;
      store.load();
      CHECK(saveText(store, "first"));
      CHECK(saveText(store, second));
      CHECK(saveText(store, third));
      // The third write went to slot "a": tear it.
      std::vector<uint8_t>& cell = flash.cells["a"];
      if (flip < 0) {
        cell.resize(keep);
      } else if (keep < cell.size()) {
        cell[keep] ^= static_cast<uint8_t>(1u << (keep % 8));
      } else {
        continue;
      }
      auto readerOwner = std::make_unique<RecordStore>(flash, "a", "b");  // 4 KiB: heap, not stack
      RecordStore& reader = *readerOwner;
      const std::string got = loadText(reader);
      if (got != second) {
        check::fail(__FILE__, __LINE__, "keep=" + std::to_string(keep) + " flip=" + std::to_string(flip) + " got " + got);
      }
      // The next save must not overwrite the good slot "b".
      CHECK(saveText(reader, "fourth"));
      auto againOwner = std::make_unique<RecordStore>(flash, "a", "b");  // 4 KiB: heap, not stack
      RecordStore& again = *againOwner;
      CHECK(loadText(again) == "fourth");
    }
  }
}

TEST(record_store_failed_write_keeps_previous_and_retries_same_slot) {
  Power power;
  FakeFlash flash(power);
  auto storeOwner = std::make_unique<RecordStore>(flash, "a", "b");  // 4 KiB: heap, not stack
  RecordStore& store = *storeOwner;
  store.load();
  CHECK(saveText(store, "one"));
  CHECK(saveText(store, "two"));
  flash.failNext = 2;
  CHECK(!saveText(store, "three"));
  CHECK(!saveText(store, "three"));
  auto readerOwner = std::make_unique<RecordStore>(flash, "a", "b");  // 4 KiB: heap, not stack
  RecordStore& reader = *readerOwner;
  CHECK(loadText(reader) == "two");
  CHECK(saveText(store, "three"));
  CHECK(loadText(reader) == "three");
}

/// A frame exactly as RecordStore writes it, with a chosen sequence number.
static std::vector<uint8_t> forgeFrame(uint32_t sequence, const std::string& payload) {
  std::vector<uint8_t> f(RecordStore::kHeaderSize + payload.size());
  putU32(f.data(), 0x314A4759);
  putU32(f.data() + 4, sequence);
  putU32(f.data() + 8, static_cast<uint32_t>(payload.size()));
  std::memcpy(f.data() + RecordStore::kHeaderSize, payload.data(), payload.size());
  uint32_t crc = crc32(0, f.data() + 4, 8);
  crc = crc32(crc, f.data() + RecordStore::kHeaderSize, payload.size());
  putU32(f.data() + 12, crc);
  return f;
}

TEST(record_store_sequence_comparison_survives_wrap) {
  Power power;
  FakeFlash flash(power);
  flash.cells["a"] = forgeFrame(0xFFFFFFFFu, "old");
  flash.cells["b"] = forgeFrame(0u, "new");
  auto storeOwner = std::make_unique<RecordStore>(flash, "a", "b");  // 4 KiB: heap, not stack
  RecordStore& store = *storeOwner;
  CHECK(loadText(store) == "new");
  // The next write goes to "a" (the older slot) with sequence 1.
  CHECK(saveText(store, "newer"));
  CHECK_EQ(store.sequence(), 1u);
  auto readerOwner = std::make_unique<RecordStore>(flash, "a", "b");  // 4 KiB: heap, not stack
  RecordStore& reader = *readerOwner;
  CHECK(loadText(reader) == "newer");
  CHECK(flash.cells["b"] == forgeFrame(0u, "new"));
}

TEST(job_codec_round_trips_and_rejects_garbage) {
  static Job job, back;
  job.clear();
  job.phase = JobPhase::Running;
  job.id = 0x123456789ULL;
  job.itemCount = 3;
  for (uint8_t i = 0; i < 3; ++i) {
    job.items[i] = {i, static_cast<uint8_t>(2 - i), ItemStatus::Pending, ItemError::None,
                    100u * (i + 1), 0, 0};
  }
  job.items[1].status = ItemStatus::Starting;
  job.items[0].status = ItemStatus::Ok;
  job.items[0].dispensedMg = 100;
  static uint8_t bytes[job_codec::kMaxSize];
  const size_t n = job_codec::encode(job, bytes);
  CHECK_EQ(n, job_codec::kHeaderSize + 3 * job_codec::kItemSize);
  CHECK(job_codec::decode(bytes, n, &back));
  CHECK_EQ(back.id, job.id);
  CHECK(back.items[1].status == ItemStatus::Starting);
  CHECK_EQ(back.items[2].amountMg, 300u);
  CHECK(!job_codec::decode(bytes, n - 1, &back));
  bytes[job_codec::kHeaderSize + 2] = 9;  // unknown item status
  CHECK(!job_codec::decode(bytes, n, &back));
  bytes[0] = 2;  // unknown format
  CHECK(!job_codec::decode(bytes, n, &back));
}
