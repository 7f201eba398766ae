#include "file_flash.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iterator>

#include "../core/bytes.h"
#include "../core/crc32.h"

namespace yaguts::host {

// File layout: "YGF1", u32 count, count × {u16 keyLength, key, u32 valueLength,
// value}, u32 crc32 of everything before it. Little-endian.

bool FileFlash::open() {
  std::ifstream in(path_, std::ios::binary);
  if (!in) return true;  // no file yet: empty flash
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() < 12 || std::memcmp(bytes.data(), "YGF1", 4) != 0) return false;
  const size_t end = bytes.size() - 4;
  if (crc32(0, bytes.data(), end) != getU32(bytes.data() + end)) return false;
  size_t pos = 8;
  const uint32_t count = getU32(bytes.data() + 4);
  for (uint32_t i = 0; i < count; ++i) {
    if (pos + 2 > end) return false;
    const size_t keyLength = static_cast<size_t>(bytes[pos] | (bytes[pos + 1] << 8));
    pos += 2;
    if (pos + keyLength + 4 > end) return false;
    std::string key(reinterpret_cast<const char*>(bytes.data() + pos), keyLength);
    pos += keyLength;
    const size_t valueLength = getU32(bytes.data() + pos);
    pos += 4;
    if (pos + valueLength > end) return false;
    cells_[key].assign(bytes.begin() + static_cast<long>(pos), bytes.begin() + static_cast<long>(pos + valueLength));
    pos += valueLength;
  }
  return pos == end;
}

bool FileFlash::get(const char* key, uint8_t* out, size_t capacity, size_t* length) {
  const auto it = cells_.find(key);
  if (it == cells_.end() || it->second.size() > capacity) return false;
  if (!it->second.empty()) std::memcpy(out, it->second.data(), it->second.size());
  *length = it->second.size();
  return true;
}

bool FileFlash::put(const char* key, const uint8_t* data, size_t length) {
  std::vector<uint8_t>& cell = cells_[key];
  const std::vector<uint8_t> previous = cell;
  cell.assign(data, data + length);
  if (writeFile()) return true;
  cell = previous;
  return false;
}

bool FileFlash::writeFile() const {
  std::vector<uint8_t> out = {'Y', 'G', 'F', '1', 0, 0, 0, 0};
  putU32(out.data() + 4, static_cast<uint32_t>(cells_.size()));
  for (const auto& [key, value] : cells_) {
    out.push_back(static_cast<uint8_t>(key.size()));
    out.push_back(static_cast<uint8_t>(key.size() >> 8));
    out.insert(out.end(), key.begin(), key.end());
    uint8_t n[4];
    putU32(n, static_cast<uint32_t>(value.size()));
    out.insert(out.end(), n, n + 4);
    out.insert(out.end(), value.begin(), value.end());
  }
  uint8_t crc[4];
  putU32(crc, crc32(0, out.data(), out.size()));
  out.insert(out.end(), crc, crc + 4);

  const std::string tmp = path_ + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  size_t written = 0;
  while (written < out.size()) {
    const ssize_t n = ::write(fd, out.data() + written, out.size() - written);
    if (n <= 0) {
      ::close(fd);
      return false;
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) return false;
  if (::rename(tmp.c_str(), path_.c_str()) != 0) return false;
  const size_t slash = path_.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path_.substr(0, slash == 0 ? 1 : slash);
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return true;
}

}  // namespace yaguts::host
