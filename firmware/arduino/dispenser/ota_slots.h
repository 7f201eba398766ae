// The core's ImageSlots over ESP-IDF's OTA API (esp_ota_ops.h), which the
// Arduino core ships. Needs a partition table with two app slots (the
// default "min_spiffs"/"default" tables have them) and app rollback enabled
// in the boot loader (CONFIG_BOOTLOADER_APP_ROLLBACK_ENABLE, on in
// arduino-esp32 3.x builds).
#pragma once
#include <esp_ota_ops.h>

#include "src/core/ota.h"

namespace yaguts_arduino {

class EspOtaSlots final : public yaguts::ImageSlots {
 public:
  bool begin(uint32_t size) override;
  bool write(uint32_t offset, const uint8_t* data, size_t length) override;
  bool activate() override;
  void discard() override;
  void reboot() override;
  bool runningPendingVerify() override;
  bool confirm() override;
  void rollback() override;

 private:
  const esp_partition_t* target_ = nullptr;
  esp_ota_handle_t handle_ = 0;
  bool open_ = false;
  uint32_t written_ = 0;
};

}  // namespace yaguts_arduino
