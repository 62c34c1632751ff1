/* Adam as torch.optim.Adam with its defaults (Kingma & Ba 2015; PyTorch's
 * single-tensor implementation: no weight decay, no amsgrad, not
 * maximizing): m <- b1 m + (1-b1) g; v <- b2 v + (1-b2) g^2;
 * theta <- theta - (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps). */
#include <math.h>
#include <stdlib.h>

#include "meta/meta_int.h"
#include "util/util_int.h"

int mp_adam_init(mp_adam *a, size_t n, double lr, double beta1, double beta2,
                 double eps, const double *lr_per)
{
    *a = (mp_adam){n, lr, beta1, beta2, eps, lr_per, mp_u_calloc(n ? n : 1, sizeof(double)),
                   mp_u_calloc(n ? n : 1, sizeof(double)), 0};
    return a->m && a->v ? MP_OK : MP_ENOMEM;
}

void mp_adam_release(mp_adam *a)
{
    mp_u_free(a->m);
    mp_u_free(a->v);
    a->m = a->v = NULL;
}

void mp_adam_step(mp_adam *a, double *theta, const double *grad)
{
    a->t++;
    double bc1 = 1.0 - pow(a->beta1, (double)a->t);
    double bc2 = 1.0 - pow(a->beta2, (double)a->t);
    double sbc2 = sqrt(bc2);
    for (size_t i = 0; i < a->n; i++) {
        double g = grad[i];
        a->m[i] = a->beta1 * a->m[i] + (1.0 - a->beta1) * g;
        a->v[i] = a->beta2 * a->v[i] + (1.0 - a->beta2) * g * g;
        double lr = a->lr_per ? a->lr_per[i] : a->lr;
        double denom = sqrt(a->v[i]) / sbc2 + a->eps;
        theta[i] -= (lr / bc1) * (a->m[i] / denom);
    }
}

double mp_x_clip(double *g, size_t n, double max_norm)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += g[i] * g[i];
    double norm = sqrt(s);
    if (max_norm > 0 && norm > max_norm) {
        double c = max_norm / (norm + 1e-6); /* clip_grad_norm_ */
        for (size_t i = 0; i < n; i++)
            g[i] *= c;
    }
    return norm;
}
