// Key-value "flash" kept in one file for the host device program. Every put()
// rewrites the file atomically (write a temporary, fsync, rename, fsync the
// directory), so a SIGKILL leaves either the old or the new contents.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "../core/platform.h"

namespace yaguts::host {

class FileFlash final : public KeyValueStore {
 public:
  explicit FileFlash(std::string path) : path_(std::move(path)) {}
  /// Reads the file if it exists. False if it exists but is corrupt (then
  /// the device starts with empty flash and says so).
  bool open();
  bool get(const char* key, uint8_t* out, size_t capacity, size_t* length) override;
  bool put(const char* key, const uint8_t* data, size_t length) override;

 private:
  bool writeFile() const;

  std::string path_;
  std::map<std::string, std::vector<uint8_t>> cells_;
};

}  // namespace yaguts::host
