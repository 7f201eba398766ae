// The host program's two "image slots": a directory holding the downloaded
// images and a small state file that plays the ESP32 boot loader's part
// (which image boots next, whether it is pending verify, rollback).
//
// A host image is a text header followed by any bytes:
//   YAGUTS-HOST-IMAGE
//   version=1.2.0
//   behaviour=normal          (or "offline": this image cannot reach the server)
// The running image decides the version the program reports; "rebooting" is
// re-executing the program (device_main.cpp), so the new version really runs
// in a new process.
#pragma once
#include <string>

#include "../core/ota.h"

namespace yaguts::host {

struct HostImage {
  std::string version;   ///< "" if the file is not a host image
  bool offline = false;
};

/// Reads the header of a host image file.
HostImage readHostImage(const std::string& path);

class FileSlots final : public ImageSlots {
 public:
  explicit FileSlots(std::string dir) : dir_(std::move(dir)) {}
  /// Loads the state and does what the boot loader does at power-on. False
  /// if the directory cannot be used.
  bool bootLoader();
  /// The image that runs now ("" = the program's built-in firmware).
  const std::string& runningImage() const { return running_; }
  bool rebootRequested() const { return reboot_; }

  bool begin(uint32_t size) override;
  bool write(uint32_t offset, const uint8_t* data, size_t length) override;
  bool activate() override;
  void discard() override;
  void reboot() override { reboot_ = true; }
  bool runningPendingVerify() override { return pending_; }
  bool confirm() override;
  void rollback() override;

 private:
  bool save() const;
  std::string partPath() const { return dir_ + "/inactive.part"; }

  std::string dir_;
  std::string running_, previous_, next_;
  bool pending_ = false;
  bool booted_ = false;  ///< the pending image has booted once already
  bool reboot_ = false;
  int part_ = -1;
  uint32_t partSize_ = 0;
};

}  // namespace yaguts::host
