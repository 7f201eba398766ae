// Compiled only by `make xtensa-size`: its .bss is the RAM one JobRunner (all
// of the core's buffers) and one OtaAgent take on the target.
#include "../core/job_runner.h"
#include "../core/ota.h"

alignas(yaguts::JobRunner) unsigned char jobRunnerStorage[sizeof(yaguts::JobRunner)];
alignas(yaguts::OtaAgent) unsigned char otaAgentStorage[sizeof(yaguts::OtaAgent)];
