#include "file_slots.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace yaguts::host {

HostImage readHostImage(const std::string& path) {
  HostImage image;
  std::ifstream in(path, std::ios::binary);
  std::string line;
  if (!std::getline(in, line) || line != "YAGUTS-HOST-IMAGE") return image;
  while (std::getline(in, line) && line.find('=') != std::string::npos) {
    const std::string key = line.substr(0, line.find('='));
    const std::string value = line.substr(line.find('=') + 1);
    if (key == "version") image.version = value;
    if (key == "behaviour") image.offline = value == "offline";
  }
  return image;
}

bool FileSlots::bootLoader() {
  mkdir(dir_.c_str(), 0700);
  std::ifstream in(dir_ + "/state");
  std::string line;
  while (std::getline(in, line)) {
    const size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "running") running_ = value;
    if (key == "previous") previous_ = value;
    if (key == "next") next_ = value;
    if (key == "pending") pending_ = value == "1";
    if (key == "booted") booted_ = value == "1";
  }
  if (!next_.empty()) {
    previous_ = running_;
    running_ = next_;
    next_.clear();
    pending_ = true;
    booted_ = true;
  } else if (pending_ && booted_) {
    // Booted pending before and never confirmed: the boot loader goes back.
    std::fprintf(stderr, "yaguts-device: boot loader: %s was never confirmed; booting the previous image\n",
                 running_.c_str());
    running_ = previous_;
    pending_ = false;
    booted_ = false;
  }
  return save();
}

bool FileSlots::save() const {
  const std::string tmp = dir_ + "/state.tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << "running=" << running_ << "\nprevious=" << previous_ << "\nnext=" << next_
        << "\npending=" << (pending_ ? 1 : 0) << "\nbooted=" << (booted_ ? 1 : 0) << "\n";
    out.flush();
    if (!out) return false;
  }
  const int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
  return std::rename(tmp.c_str(), (dir_ + "/state").c_str()) == 0;
}

bool FileSlots::begin(uint32_t size) {
  discard();
  part_ = ::open(partPath().c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
  partSize_ = size;
  return part_ >= 0;
}

bool FileSlots::write(uint32_t offset, const uint8_t* data, size_t length) {
  if (part_ < 0 || offset + length > partSize_) return false;
  size_t done = 0;
  while (done < length) {
    const ssize_t n = pwrite(part_, data + done, length - done, static_cast<off_t>(offset + done));
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

bool FileSlots::activate() {
  if (part_ < 0 || fsync(part_) != 0) return false;
  close(part_);
  part_ = -1;
  // Like esp_ota_end(), refuse what is not an image for this device.
  const HostImage image = readHostImage(partPath());
  if (image.version.empty()) return false;
  const std::string path = dir_ + "/image-" + image.version + ".bin";
  if (std::rename(partPath().c_str(), path.c_str()) != 0) return false;
  next_ = path;
  return save();
}

void FileSlots::discard() {
  if (part_ >= 0) close(part_);
  part_ = -1;
  unlink(partPath().c_str());
}

bool FileSlots::confirm() {
  pending_ = false;
  booted_ = false;
  return save();
}

void FileSlots::rollback() {
  running_ = previous_;
  pending_ = false;
  booted_ = false;
  save();
  reboot_ = true;
}

}  // namespace yaguts::host
