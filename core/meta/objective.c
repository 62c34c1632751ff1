/* What the meta-layer computes beside the inner loop: the random streams of
 * an iteration's tasks, the coefficient penalty (with its gradient) and the
 * angle between the coefficients and a target rule. */
#include <math.h>

#include "meta/meta_int.h"
#include "util/rng.h"
#include "util/util_int.h"

uint64_t mp_x_seed(uint64_t seed, uint32_t kind, uint64_t iter, uint64_t task)
{
    return mp_u_stream_seed(mp_u_stream_seed(seed, 100u + kind, iter), 200u + kind,
                            task);
}

double mp_x_penalty(const mp_experiment *x, const double *theta, double *grad)
{
    double s = 0.0;
    for (size_t i = 0; i < x->dim; i++) {
        double t = theta[i];
        if (x->penalty == MP_X_PEN_L1) {
            s += fabs(t);
            if (grad)
                grad[i] += x->lambda * (t > 0 ? 1.0 : t < 0 ? -1.0 : 0.0);
        } else if (x->penalty == MP_X_PEN_L2) {
            s += t * t;
            if (grad)
                grad[i] += 2.0 * x->lambda * t;
        }
    }
    return x->penalty == MP_X_PEN_NONE ? 0.0 : x->lambda * s;
}

double mp_x_rule_angle(const mp_experiment *x, const double *theta)
{
    if (!x->target)
        return NAN;
    double na = 0.0, nb = 0.0, dm = 0.0, dp = 0.0;
    for (size_t i = 0; i < x->dim; i++) {
        na += theta[i] * theta[i];
        nb += x->target[i] * x->target[i];
    }
    if (!(na > 0) || !(nb > 0))
        return 0.0;
    na = sqrt(na);
    nb = sqrt(nb);
    /* 2 atan2(|a - b|, |a + b|) of the unit vectors: accurate near 0 and
     * 180 degrees, where acos of the cosine is not */
    for (size_t i = 0; i < x->dim; i++) {
        double a = theta[i] / na, b = x->target[i] / nb;
        dm += (a - b) * (a - b);
        dp += (a + b) * (a + b);
    }
    return 2.0 * atan2(sqrt(dm), sqrt(dp)) * (180.0 / 3.14159265358979323846);
}

void mp_x_score_window(const mp_experiment *x, uint64_t iter, uint64_t task,
                       double *a, double *b)
{
    if (!(x->win_len > 0)) {
        *a = x->win0;
        *b = x->win1;
        return;
    }
    /* a start on the dt grid, uniform over the (steps + 1) positions that
     * keep the window inside [win0, win1] */
    double dt = x->model->dt;
    double steps = floor((x->win1 - x->win0 - x->win_len) / dt + 1e-9);
    double u = (double)(mp_x_seed(x->seed, 5, iter, task) >> 11) * 0x1p-53;
    double k = floor(u * (steps + 1.0));
    *a = x->win0 + (k > steps ? steps : k) * dt;
    *b = *a + x->win_len;
}
