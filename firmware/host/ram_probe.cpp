// Compiled only by `make xtensa-size`: its .bss is the RAM one JobRunner (all
// of the core's buffers) takes on the target.
#include "../core/job_runner.h"

alignas(yaguts::JobRunner) unsigned char jobRunnerStorage[sizeof(yaguts::JobRunner)];
