#include "record_store.h"

#include "bytes.h"
#include "crc32.h"

namespace yaguts {

namespace {
constexpr uint32_t kMagic = 0x314A4759;  // "YGJ1" little-endian
}  // namespace

RecordStore::RecordStore(KeyValueStore& flash, const char* keyA, const char* keyB)
    : flash_(flash), keys_{keyA, keyB} {}

long RecordStore::validFrame(size_t stored) const {
  if (stored < kHeaderSize) return -1;
  if (getU32(frame_) != kMagic) return -1;
  const uint32_t length = getU32(frame_ + 8);
  if (length > kMaxPayload || kHeaderSize + length != stored) return -1;
  // The CRC covers the sequence and length too: a torn header is caught.
  uint32_t crc = crc32(0, frame_ + 4, 8);
  crc = crc32(crc, frame_ + kHeaderSize, length);
  if (crc != getU32(frame_ + 12)) return -1;
  return static_cast<long>(length);
}

size_t RecordStore::load() {
  bool found[2] = {false, false};
  uint32_t seq[2] = {0, 0};
  for (int slot = 0; slot < 2; ++slot) {
    size_t stored = 0;
    if (!flash_.get(keys_[slot], frame_, sizeof frame_, &stored)) continue;
    if (validFrame(stored) < 0) continue;
    found[slot] = true;
    seq[slot] = getU32(frame_ + 4);
  }
  int newest = -1;
  if (found[0] && found[1]) {
    newest = static_cast<int32_t>(seq[1] - seq[0]) > 0 ? 1 : 0;
  } else if (found[0] || found[1]) {
    newest = found[0] ? 0 : 1;
  }
  if (newest < 0) {
    sequence_ = 0;
    nextSlot_ = 0;
    return 0;
  }
  // Re-read the winner: frame_ holds whichever slot was read last.
  size_t stored = 0;
  if (!flash_.get(keys_[newest], frame_, sizeof frame_, &stored)) return 0;
  const long length = validFrame(stored);
  if (length < 0) return 0;
  sequence_ = seq[newest];
  nextSlot_ = static_cast<uint8_t>(1 - newest);
  return static_cast<size_t>(length);
}

bool RecordStore::save(size_t length) {
  if (length > kMaxPayload) return false;
  const uint32_t next = sequence_ + 1;
  putU32(frame_, kMagic);
  putU32(frame_ + 4, next);
  putU32(frame_ + 8, static_cast<uint32_t>(length));
  uint32_t crc = crc32(0, frame_ + 4, 8);
  crc = crc32(crc, frame_ + kHeaderSize, length);
  putU32(frame_ + 12, crc);
  ++writes_;
  if (!flash_.put(keys_[nextSlot_], frame_, kHeaderSize + length)) {
    // The slot may now hold garbage; the other one still holds the newest
    // frame, so the next attempt targets the same slot again.
    return false;
  }
  sequence_ = next;
  nextSlot_ = static_cast<uint8_t>(1 - nextSlot_);
  return true;
}

}  // namespace yaguts
