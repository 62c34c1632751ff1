/* Fixture of the rule-instance tests (tests/test_rule_instance.c): a rule
 * for spiking and rate nets that changes no weight and counts, in its
 * state, what the host did:
 *   state[0]  calls of reset since the state was last zeroed
 *   state[1]  hook calls (on_pre, on_post, step) since then
 *   state[2]  state[0] as the first hook call found it
 *   state[3]  the first host->uniform draw of the latest reset
 * With fail = 1 its reset refuses through host->error. */
#include "fixture.h"

enum { S_RESETS, S_HOOKS, S_RESETS_AT_FIRST, S_DRAW, N_STATE };

static const mp_param_desc params[] = {
    FX_PARAM_ETA,
    {"cap", "1", "a bounded parameter", 1.0, 0.0, 10.0, 0},
    {"fail", "1", "1: reset refuses", 0.0, 0.0, 1.0, 0}};

static size_t counting_state_size(const double *p, uint32_t n_pre, uint32_t n_post)
{
    (void)p, (void)n_pre, (void)n_post;
    return N_STATE;
}

static int counting_reset(const mp_spike_io *spike, const mp_rate_io *rate)
{
    const mp_rule_ctx *io = mp_rule_reset_ctx(spike, rate);
    if (io->p[2] != 0.0) {
        io->api->error(io->host, "asked to fail (fail = %g)", io->p[2]);
        return MP_RULE_BUG;
    }
    io->state[S_RESETS] += 1.0;
    io->state[S_DRAW] = io->api->uniform(io->host);
    return MP_RULE_OK;
}

static int count(const mp_rule_ctx *io)
{
    if (io->state[S_HOOKS] == 0.0)
        io->state[S_RESETS_AT_FIRST] = io->state[S_RESETS];
    io->state[S_HOOKS] += 1.0;
    return MP_RULE_OK;
}

static int counting_spike(const mp_spike_io *io, const uint32_t *idx, size_t n)
{
    (void)idx, (void)n;
    return count(&io->c);
}

static int counting_step(const mp_rate_io *io)
{
    return count(&io->c);
}

static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "counting", .version = "1.0",
    .summary = "test fixture: counts resets and hook calls",
    .kind = MP_RULE_SPIKING | MP_RULE_RATE, .params = params, .n_params = 3,
    .state_size = counting_state_size, .reset = counting_reset,
    .on_pre = counting_spike, .on_post = counting_spike, .step = counting_step,
};

MP_RULE_DEFINE(counting, desc)
