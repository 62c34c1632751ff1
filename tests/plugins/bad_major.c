/* ABI fixture: a plugin built for rule ABI 1.1 (the last 1.x). Its
 * descriptor began, like every ABI's, with abi_major, abi_minor and size,
 * which is all the loader reads before it refuses the file. */
#include "fixture.h"
typedef struct desc_1_1 {
    uint32_t abi_major, abi_minor, size;
    const char *name, *version, *summary;
    uint32_t kind;
} desc_1_1;
static const desc_1_1 desc = {1, 1, (uint32_t)sizeof(desc_1_1), "bad_major", "1.0",
                              "built for ABI 1.1", MP_RULE_SPIKING};
MP_RULE_EXPORT const void *mp_rule_bad_major_entry(const mp_host_api *host);
MP_RULE_EXPORT const void *mp_rule_bad_major_entry(const mp_host_api *host)
{
    (void)host;
    return &desc;
}
