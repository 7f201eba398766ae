#ifndef YAGUTS_CCRYPT_SHIM_H
#define YAGUTS_CCRYPT_SHIM_H
#include <crypt.h>
#endif
