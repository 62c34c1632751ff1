/* The public header of the leaky fixture (tests/symbols/leaky.c). */
#ifndef LEAKY_H
#define LEAKY_H

#include <metaplast/export.h>

MP_API int mp_fixture_declared(void);
MP_API int mp_fixture_missing(void); /* defined nowhere */

#endif
