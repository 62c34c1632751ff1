/* metaplast — umbrella header of the public API. */
#ifndef METAPLAST_H
#define METAPLAST_H

#define MP_VERSION_MAJOR 0
#define MP_VERSION_MINOR 1
#define MP_VERSION_PATCH 0
#define MP_VERSION_STRING "0.1.0"
#define MP_VERSION_HEX                                                         \
    ((MP_VERSION_MAJOR << 16) | (MP_VERSION_MINOR << 8) | MP_VERSION_PATCH)

#include "metaplast/alloc.h"
#include "metaplast/error.h"
#include "metaplast/model.h"
#include "metaplast/net.h"
#include "metaplast/plugin.h"

#include "metaplast/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The library's version string, e.g. "0.1.0". */
MP_API const char *mp_version(void);

#ifdef __cplusplus
}
#endif
#endif
