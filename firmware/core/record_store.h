// Power-fail-safe storage of one record in two flash slots (A/B).
//
// Every save() writes a frame {magic, sequence, length, crc32, payload} into
// the slot that does NOT hold the newest valid frame, with sequence = newest+1.
// A power cut tears at most the slot being written; its CRC then fails and
// load() returns the previous frame from the other slot. The newest good
// frame is therefore never overwritten, and load() always returns either the
// last completed save() or the one before it — never a mixture, never nothing
// once anything was saved. "Erasing" is saving an empty-state payload, for the
// same reason: deleting keys one by one could resurrect an older frame.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "platform.h"

namespace yaguts {

class RecordStore {
 public:
  static constexpr size_t kHeaderSize = 16;
  static constexpr size_t kMaxPayload = kJobRecordCapacity - kHeaderSize;

  /// `keyA` and `keyB` name the two slots; they must outlive the store.
  RecordStore(KeyValueStore& flash, const char* keyA, const char* keyB);

  /// Reads both slots and picks the newest valid frame. Returns its payload
  /// length (0 = nothing stored) and leaves the payload in payload().
  size_t load();
  /// Writes `length` bytes from payload() as the next frame. False if the
  /// flash refused the write; the previous frame then still stands.
  bool save(size_t length);

  uint8_t* payload() { return frame_ + kHeaderSize; }
  const uint8_t* payload() const { return frame_ + kHeaderSize; }
  uint32_t sequence() const { return sequence_; }
  /// Flash writes attempted since construction.
  uint32_t writes() const { return writes_; }

 private:
  /// Length of a valid frame in frame_, or -1.
  long validFrame(size_t stored) const;

  KeyValueStore& flash_;
  const char* keys_[2];
  uint8_t frame_[kJobRecordCapacity];
  uint32_t sequence_ = 0;
  uint8_t nextSlot_ = 0;
  uint32_t writes_ = 0;
};

}  // namespace yaguts
