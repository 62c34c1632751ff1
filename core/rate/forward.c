/* The forward pass: y_0 = x; z_l = W_l y_{l-1} (+ b_l); y_l = f(z_l), or with a
 * hierarchical lateral matrix L solved in neuron order,
 * z_lj += sum_{i<j} L_ji y_li, y_lj = f(z_lj) (Confavreux et al. eq. 6). */
#include <string.h>

#include "rate/rate_int.h"

void mp_r_forward(mp_r_net *net, const double *x)
{
    mp_r_layer *L = net->L;
    memcpy(L[0].y, x, L[0].n * sizeof(double));
    for (size_t k = 1; k < net->nL; k++) {
        mp_r_layer *l = &L[k];
        const mp_r_proj *p = &net->P[l->ff];
        mp_r_gemv(p->W, L[k - 1].y, l->z, l->n, p->n_pre);
        if (p->b)
            for (uint32_t j = 0; j < l->n; j++)
                l->z[j] += p->b[j];
        if (l->lat == SIZE_MAX) {
            mp_r_act(l->m->act, l->m->beta, l->z, l->y, l->n);
            continue;
        }
        const double *Lw = net->P[l->lat].W;
        for (uint32_t j = 0; j < l->n; j++) {
            double s = l->z[j];
            for (uint32_t i = 0; i < j; i++)
                s += Lw[(size_t)j * l->n + i] * l->y[i];
            l->z[j] = s;
            l->y[j] = mp_r_act1(l->m->act, l->m->beta, s);
        }
    }
}
