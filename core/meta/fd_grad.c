/* Central finite differences. The meta-layer's use (run.c) evaluates every
 * probe on the same tasks and network seeds as the others of its iteration
 * (common random numbers), so the difference measures the coefficient and
 * not the noise of the task draw. */
#include "meta/meta_int.h"

void mp_x_fd_grad(mp_x_fn f, void *ctx, double *x, size_t n, double h, double *grad)
{
    for (size_t i = 0; i < n; i++) {
        double x0 = x[i];
        x[i] = x0 + h;
        double fp = f(ctx, x);
        x[i] = x0 - h;
        double fm = f(ctx, x);
        x[i] = x0;
        grad[i] = (fp - fm) / (2.0 * h);
    }
}
