#ifndef CSODIUM_SHIM_H
#define CSODIUM_SHIM_H
/* libsodium from the system (apt: libsodium-dev). Nothing else lives here. */
#include <sodium.h>
#endif
