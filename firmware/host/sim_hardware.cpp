#include "sim_hardware.h"

#include <fcntl.h>
#include <unistd.h>

namespace yaguts::host {

DispenseOutcome SimHardware::dispense(uint8_t frasco, uint32_t amountMg) {
  if (frasco >= frascos_) return {false, 0, ItemError::InvalidFrasco};
  const uint32_t delay = delayMs_.empty() ? 0 : delayMs_[frasco < delayMs_.size() ? frasco : delayMs_.size() - 1];
  clock_.sleepMs(delay);
  if (!ledgerPath_.empty()) {
    const std::string line = "dispensed frasco=" + std::to_string(frasco) + " mg=" + std::to_string(amountMg) + "\n";
    const int fd = ::open(ledgerPath_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return {false, amountMg, ItemError::HardwareFault};
    const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) return {false, amountMg, ItemError::HardwareFault};
  }
  return {true, amountMg, ItemError::None};
}

}  // namespace yaguts::host
