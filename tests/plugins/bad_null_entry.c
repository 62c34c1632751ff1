/* ABI fixture: the entry refuses the host, saying why through host->error. */
#include "fixture.h"
MP_RULE_EXPORT const mp_rule_desc *mp_rule_bad_null_entry_entry(const mp_host_api *host);
MP_RULE_EXPORT const mp_rule_desc *mp_rule_bad_null_entry_entry(const mp_host_api *host)
{
    host->error(NULL, "needs host feature %d, which this metaplast lacks", 42);
    return NULL;
}
