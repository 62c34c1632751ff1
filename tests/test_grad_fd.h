/* The finite differences of the meta-gradient tests (test_meta_grad.c,
 * test_meta_grad_mse.c): a 4-point central stencil along one coordinate. */
#ifndef MP_TEST_GRAD_FD_H
#define MP_TEST_GRAD_FD_H

#include <math.h>
#include <stddef.h>

#include "model/model_int.h"

typedef double (*fd_loss_fn)(void *ctx);

/* (8 (f(v+h) - f(v-h)) - (f(v+2h) - f(v-2h))) / 12h, v = *x and
 * h = 1e-4 (|v| + 1e-2), f evaluated with *x moved; *x is restored. */
static inline double fd4(fd_loss_fn f, void *ctx, double *x)
{
    static const double off[4] = {-2, -1, 1, 2};
    double v0 = *x, h = 1e-4 * (fabs(v0) + 1e-2), v[4];
    for (int s = 0; s < 4; s++) {
        *x = v0 + off[s] * h;
        v[s] = f(ctx);
    }
    *x = v0;
    return (8.0 * (v[2] - v[1]) - (v[3] - v[0])) / (12.0 * h);
}

/* For every MP_PARAM_COEF parameter k of every projection j < n_proj with
 * par[j] != NULL (its rule's parameters, which f reads through ctx): fd =
 * fd4 along par[j][k], *dmax = max |g[j][k] - fd|, *fmx = max |fd|.
 * Returns how many other parameters have g[j][k] != 0 (they must not). */
static inline int fd_compare(const mp_model *m, double **par, double *const *g,
                             size_t n_proj, fd_loss_fn f, void *ctx, double *dmax,
                             double *fmx)
{
    int bad = 0;
    *dmax = *fmx = 0.0;
    for (size_t j = 0; j < n_proj; j++) {
        if (!par[j])
            continue;
        const mp_rule_desc *d = m->projections[j].plasticity->plugin->desc;
        for (uint32_t k = 0; k < d->n_params; k++) {
            if (!(d->params[k].flags & MP_PARAM_COEF)) {
                bad += g[j][k] != 0.0;
                continue;
            }
            double fd = fd4(f, ctx, &par[j][k]);
            *dmax = fmax(*dmax, fabs(g[j][k] - fd));
            *fmx = fmax(*fmx, fabs(fd));
        }
    }
    return bad;
}

#endif
