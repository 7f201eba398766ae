#include "ota_slots.h"

#include <Arduino.h>

namespace yaguts_arduino {

bool EspOtaSlots::begin(uint32_t size) {
  discard();
  target_ = esp_ota_get_next_update_partition(nullptr);
  if (target_ == nullptr || size > target_->size) return false;
  // Erases the slot (sequential writes follow).
  if (esp_ota_begin(target_, size, &handle_) != ESP_OK) return false;
  open_ = true;
  written_ = 0;
  return true;
}

bool EspOtaSlots::write(uint32_t offset, const uint8_t* data, size_t length) {
  if (!open_ || offset != written_) return false;
  if (esp_ota_write(handle_, data, length) != ESP_OK) return false;
  written_ += static_cast<uint32_t>(length);
  return true;
}

bool EspOtaSlots::activate() {
  if (!open_) return false;
  open_ = false;
  // esp_ota_end() checks the image's own header and checksum as well.
  if (esp_ota_end(handle_) != ESP_OK) return false;
  return esp_ota_set_boot_partition(target_) == ESP_OK;
}

void EspOtaSlots::discard() {
  if (open_) esp_ota_abort(handle_);
  open_ = false;
}

void EspOtaSlots::reboot() { ESP.restart(); }

bool EspOtaSlots::runningPendingVerify() {
  esp_ota_img_states_t state;
  const esp_partition_t* running = esp_ota_get_running_partition();
  return running != nullptr && esp_ota_get_state_partition(running, &state) == ESP_OK &&
         state == ESP_OTA_IMG_PENDING_VERIFY;
}

bool EspOtaSlots::confirm() { return esp_ota_mark_app_valid_cancel_rollback() == ESP_OK; }

void EspOtaSlots::rollback() {
  // Returns only if there is no previous image to go back to.
  esp_ota_mark_app_invalid_rollback_and_reboot();
  ESP.restart();
}

}  // namespace yaguts_arduino
