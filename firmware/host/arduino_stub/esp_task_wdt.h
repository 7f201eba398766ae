// Host build of ESP-IDF 5.x esp_task_wdt.h (arduino-esp32 3.x).
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "esp_ota_ops.h"  // esp_err_t

typedef struct tskTaskControlBlock* TaskHandle_t;

typedef struct {
  uint32_t timeout_ms;
  uint32_t idle_core_mask;
  bool trigger_panic;
} esp_task_wdt_config_t;

#ifdef __cplusplus
extern "C" {
#endif
esp_err_t esp_task_wdt_init(const esp_task_wdt_config_t* config);
esp_err_t esp_task_wdt_reconfigure(const esp_task_wdt_config_t* config);
esp_err_t esp_task_wdt_add(TaskHandle_t task_handle);
esp_err_t esp_task_wdt_reset(void);
#ifdef __cplusplus
}
#endif
