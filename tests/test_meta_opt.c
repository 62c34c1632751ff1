/* The meta-layer's optimizers on known functions: CMA-ES on the sphere and
 * Rosenbrock in 2..10 dimensions within a bounded number of evaluations,
 * Adam (PyTorch defaults) on a quadratic and against a hand-computed first
 * step, central finite differences of a smooth function, and the thread
 * pool's independence from the number of threads. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "meta/meta_int.h"

static double sphere(const double *x, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += (x[i] - 1.0) * (x[i] - 1.0);
    return s;
}

static double rosenbrock(const double *x, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i + 1 < n; i++) {
        double a = x[i] * x[i] - x[i + 1], b = x[i] - 1.0;
        s += 100.0 * a * a + b * b;
    }
    return s;
}

/* Evaluations until f < target, or -1 within max_evals. */
static long minimize(double (*f)(const double *, size_t), size_t n, double x0,
                     double sigma, double target, long max_evals, uint64_t seed)
{
    mp_cmaes es;
    double *m0 = malloc(n * sizeof(double));
    for (size_t i = 0; i < n; i++)
        m0[i] = x0;
    if (mp_cmaes_init(&es, n, m0, sigma, 0, NULL) != MP_OK)
        return -2;
    double *X = malloc(es.lambda * n * sizeof(double)), *fv = malloc(es.lambda * sizeof(double));
    long evals = -1;
    for (long g = 0; (long)es.counteval < max_evals; g++) {
        mp_cmaes_ask(&es, seed * 1000003u + (uint64_t)g, X);
        double best = HUGE_VAL;
        for (size_t k = 0; k < es.lambda; k++) {
            fv[k] = f(X + k * n, n);
            best = fv[k] < best ? fv[k] : best;
        }
        mp_cmaes_tell(&es, X, fv);
        if (best < target) {
            evals = (long)es.counteval;
            break;
        }
    }
    mp_cmaes_release(&es);
    free(X);
    free(fv);
    free(m0);
    return evals;
}

static void test_cmaes(void)
{
    /* lambda = 4 + floor(3 ln n), mu = lambda / 2 */
    mp_cmaes es;
    double z[10] = {0};
    CHECK_OK(mp_cmaes_init(&es, 10, z, 1.0, 0, NULL));
    CHECK_EQ(es.lambda, 10);
    CHECK_EQ(es.mu, 5);
    double ws = 0;
    for (size_t i = 0; i < es.mu; i++)
        ws += es.w[i];
    CHECK_NEAR(ws, 1.0, 1e-12, 0);
    mp_cmaes_release(&es);

    for (size_t n = 2; n <= 10; n++) {
        /* sphere from 0 (optimum at 1): about 100-200 n evaluations */
        long e = minimize(sphere, n, 0.0, 0.5, 1e-10, 2000 * (long)n, 1);
        CHECK_(e > 0 && e <= 800 * (long)n, "sphere n=%zu: %ld evaluations", n, e);
        /* Rosenbrock from 0: Hansen reports ~ 1e3 (n=2) .. 6e3 (n=10) */
        long r = minimize(rosenbrock, n, 0.0, 0.5, 1e-10, 20000, 1);
        CHECK_(r > 0 && r <= 1500 * (long)n + 1000, "rosenbrock n=%zu: %ld evaluations", n, r);
        printf("n=%zu: sphere %ld, rosenbrock %ld evaluations\n", n, e, r);
    }

    /* bounds: every candidate inside */
    double lo[3] = {-0.1, -0.1, -0.1}, hi[3] = {0.1, 0.1, 0.1}, m3[3] = {0, 0, 0};
    CHECK_OK(mp_cmaes_init(&es, 3, m3, 1.0, 0, NULL));
    es.lo = lo;
    es.hi = hi;
    double X[3 * 16];
    mp_cmaes_ask(&es, 5, X);
    int inside = 1;
    for (size_t k = 0; k < es.lambda * 3; k++)
        inside &= X[k] >= -0.1 && X[k] <= 0.1;
    CHECK(inside);
    /* same seed, same candidates */
    double Y[3 * 16];
    mp_cmaes_ask(&es, 5, Y);
    CHECK(memcmp(X, Y, es.lambda * 3 * sizeof(double)) == 0);
    mp_cmaes_release(&es);
}

static void test_adam(void)
{
    /* first step of torch.optim.Adam: theta - lr * sign(g) (up to eps) */
    mp_adam a;
    double th[2] = {1.0, -2.0}, g[2] = {0.5, -3.0};
    CHECK_OK(mp_adam_init(&a, 2, 1e-3, 0.9, 0.999, 1e-8, NULL));
    mp_adam_step(&a, th, g);
    CHECK_NEAR(th[0], 1.0 - 1e-3 * 0.5 / (0.5 + 1e-8), 1e-15, 0);
    CHECK_NEAR(th[1], -2.0 + 1e-3 * 3.0 / (3.0 + 1e-8), 1e-15, 0);
    /* second step by hand */
    double g2[2] = {0.25, 1.0};
    double m0 = 0.9 * 0.05 + 0.1 * 0.25, v0 = 0.999 * 0.001 * 0.25 + 0.001 * 0.0625;
    double exp0 = th[0] - (1e-3 / (1 - 0.81)) * m0 / (sqrt(v0) / sqrt(1 - 0.999 * 0.999) + 1e-8);
    mp_adam_step(&a, th, g2);
    CHECK_NEAR(th[0], exp0, 1e-14, 0);
    mp_adam_release(&a);

    /* a quadratic f = sum c_i (x_i - t_i)^2 converges */
    double x[3] = {0, 0, 0}, t[3] = {1.0, -0.5, 2.0}, c[3] = {1.0, 10.0, 0.1};
    CHECK_OK(mp_adam_init(&a, 3, 0.05, 0.9, 0.999, 1e-8, NULL));
    for (int k = 0; k < 3000; k++) {
        double gr[3];
        for (int i = 0; i < 3; i++)
            gr[i] = 2 * c[i] * (x[i] - t[i]);
        mp_adam_step(&a, x, gr);
    }
    for (int i = 0; i < 3; i++)
        CHECK_NEAR(x[i], t[i], 0, 1e-3);
    mp_adam_release(&a);

    /* clipping */
    double cg[2] = {3.0, 4.0};
    CHECK_NEAR(mp_x_clip(cg, 2, 1.0), 5.0, 1e-15, 0);
    CHECK_NEAR(sqrt(cg[0] * cg[0] + cg[1] * cg[1]), 1.0, 1e-6, 0);
}

static double smooth(void *ctx, const double *x)
{
    (void)ctx;
    return sin(x[0]) * exp(x[1]) + x[0] * x[0] * x[1];
}

static void test_fd(void)
{
    double x[2] = {0.3, -0.7}, g[2];
    mp_x_fd_grad(smooth, NULL, x, 2, 1e-5, g);
    CHECK_NEAR(g[0], cos(0.3) * exp(-0.7) + 2 * 0.3 * -0.7, 0, 1e-8);
    CHECK_NEAR(g[1], sin(0.3) * exp(-0.7) + 0.09, 0, 1e-8);
    CHECK(x[0] == 0.3 && x[1] == -0.7);
}

static int square_job(void *ctx, size_t i, mp_error *e)
{
    (void)e;
    double *out = ctx;
    out[i] = sqrt((double)i) * 1.5;
    return i == 77 ? MP_EINVAL : MP_OK;
}

static void test_pool(void)
{
    double a[100], b[100];
    mp_error e;
    CHECK_EQ(mp_x_parallel(100, 1, square_job, a, &e), MP_EINVAL);
    CHECK_EQ(mp_x_parallel(100, 4, square_job, b, &e), MP_EINVAL);
    CHECK(memcmp(a, b, sizeof a) == 0);
}

int main(void)
{
    test_cmaes();
    test_adam();
    test_fd();
    test_pool();
    return CHECK_DONE();
}
