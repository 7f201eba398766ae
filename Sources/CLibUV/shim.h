#ifndef YAGUTS_CLIBUV_SHIM_H
#define YAGUTS_CLIBUV_SHIM_H
#include <uv.h>
#endif
