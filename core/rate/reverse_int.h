/* The exact-gradient engine's private contract between its episode driver
 * (episode.c: checks, checkpoints, the forward and recomputed steps) and
 * its reverse pass (reverse.c: the adjoint of one online step and of the
 * query loss). docs/meta-gradients.md "The episode adjoint". */
#ifndef MP_RATE_REVERSE_INT_H
#define MP_RATE_REVERSE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "metaplast/rule.h"
#include "rate/episode_int.h"
#include "rate/rate_int.h"

typedef struct mp_r_rev_ctx {
    const mp_model *m;
    const mp_r_episode *ep;
    mp_r_net *net;
    int net_borrowed;         /* net is the caller's (mp_r_episode_grad_net) */
    size_t nL, nP;
    const mp_rule_desc **ext; /* nP: the rule (it has step_vjp); NULL: static */
    const double **par;       /* nP: the parameters each rule uses */
    size_t *woff;             /* nP+1: offsets of W_j in a weight copy */
    size_t nW;                /* doubles of all W */
    size_t *noff;             /* nL+1: offsets of layer k in a neuron vector */
    size_t nN;
    size_t most;              /* largest layer */
    size_t rec_size;          /* doubles of one step's record (mp_r_rev_rec) */
    int detach_sym;
    const struct mp_r_grad_arrays *arr; /* array meta-parameters (may be NULL) */
    size_t bytes;             /* engine allocations (peak accounting) */
} mp_r_rev_ctx;

/* One recorded step: W_t, then z, y, e, fp of every layer and the step's
 * target (n_L: the one-hot label or regression target the loss compared
 * y_L with). Views into a segment buffer of K records of rec_size = nW +
 * 4 nN + n_L doubles. */
typedef struct mp_r_rev_rec {
    double *W, *z, *y, *e, *fp, *target;
} mp_r_rev_rec;

/* Record i of the segment at base. */
mp_r_rev_rec mp_r_rec_at(const mp_r_rev_ctx *c, double *base, size_t i);
/* z, y, e, fp of every layer of c->net and its target into r (W_t is
 * saved before the step by the driver). */
void mp_r_rec_save(const mp_r_rev_ctx *c, mp_r_rev_rec r);

/* The adjoint of step r: gW (= dL/dW_{t+1}) -> gWin (= dL/dW_t, overwritten);
 * gp[j] += dL/dtheta_j through this step. gy, ge: nN doubles; gtmp: most;
 * tmp: 2 most (scratch). errors: MP_EUNSTABLE, MP_EPLUGIN (step_vjp) */
int mp_r_rev_step(mp_r_rev_ctx *c, mp_r_rev_rec r, const double *gW, double *gWin, double *gy,
                  double *ge, double *gtmp, double *tmp, double **gp,
                  mp_error *err);

/* Query loss (the mean of mp_r_loss: cross-entropy, or 0.5 sum (y - t)^2
 * against labels or regression targets) and accuracy (NaN for targets) at
 * c->net's current W; with gW != NULL also gW += dL/dW (gy, gz: most
 * doubles of scratch). */
double mp_r_rev_query(mp_r_rev_ctx *c, double *acc, double *gW, double *gy, double *gz);

#endif
