/* A library that breaks both rules tests/check_symbols.cmake enforces, for
 * symbols_catches_leaks (tests/symbols_cases.cmake): it exports a function
 * that include/leaky.h does not declare MP_API, and it does not define
 * mp_fixture_missing, which the header declares. It also has a non-static
 * target_clones function, whose ifunc and resolver GCC 12 exports whatever
 * the visibility says (the leak core/rate/linalg.c had). */
#include "leaky.h"

int mp_fixture_declared(void)
{
    return 1;
}

__attribute__((visibility("default"))) int mp_fixture_extra(void);
__attribute__((visibility("default"))) int mp_fixture_extra(void)
{
    return 2;
}

int mp_fixture_clones(int x);
__attribute__((target_clones("avx2", "default"))) int mp_fixture_clones(int x)
{
    return x + 1;
}
