// Simulated dispensing for the host device program: each frasco "runs" for
// its configured time (a real sleep), then the dispense is appended to a
// ledger file and fsynced — the device's own record of what left each
// frasco. A run cut short (SIGKILL) leaves no ledger line: in the simulation
// material leaves the frasco only when the run completes.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../core/dispensing.h"

namespace yaguts::host {

class SimHardware final : public Dispenser {
 public:
  SimHardware(Clock& clock, uint8_t frascos, std::vector<uint32_t> delayMs, std::string ledgerPath)
      : clock_(clock), frascos_(frascos), delayMs_(std::move(delayMs)), ledgerPath_(std::move(ledgerPath)) {}
  uint8_t frascoCount() override { return frascos_; }
  DispenseOutcome dispense(uint8_t frasco, uint32_t amountMg) override;

 private:
  Clock& clock_;
  uint8_t frascos_;
  std::vector<uint32_t> delayMs_;  ///< per frasco; the last value repeats
  std::string ledgerPath_;
};

}  // namespace yaguts::host
