/* Stimuli: Poisson rate, Vogels 2011 groups (rate against the signal, dead
 * time, correlations within / between groups, equal per-train rates, exact
 * ISI distribution, independence of the block length, drives beyond the
 * fast hazard's range and p >= 1), spike-file replay steps. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "test_kernel_fixture.h"
#include "util/fastmath.h"

static void poisson(void)
{
    mp_m_poisson m = {1000, 10.0};
    mp_s_poisson *s = NULL;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_s_poisson_new(&m, 0.1, 7, &s, &err));
    static uint32_t out[1000];
    static long long cnt[1000];
    static int64_t seen[1000];
    long long total = 0;
    int dup = 0, order = 0;
    const int64_t N = 100000; /* 10 s */
    for (int64_t n = 0; n < N; n++) {
        size_t k = mp_s_poisson_step(s, out);
        for (size_t i = 0; i < k; i++) {
            if (seen[out[i]] == n + 1)
                dup++;
            seen[out[i]] = n + 1;
            if (i && out[i] <= out[i - 1])
                order++;
            cnt[out[i]]++;
        }
        total += (long long)k;
    }
    double p = 10.0 * 0.1e-3, mean = 1000.0 * (double)N * p;
    double sd = sqrt(mean * (1 - p));
    printf("poisson: %lld spikes, expected %.0f +- %.0f\n", total, mean, sd);
    CHECK(fabs((double)total - mean) < 5 * sd);
    CHECK_EQ(dup, 0);
    CHECK_EQ(order, 0);
    int outliers = 0;
    for (int i = 0; i < 1000; i++)
        if (fabs((double)cnt[i] - 100.0) > 6 * 10.0)
            outliers++;
    CHECK_EQ(outliers, 0);
    mp_s_poisson_free(s);
}

/* dead_time 0: total count of each group against sum_n M p_n of its signal. */
static void vogels_rate_vs_signal(void)
{
    mp_m_vogels m = {8, 100, 25, 50.0, 5.0, 500.0, 0.03, 0.0, 0, 1.0, 0.5};
    mp_s_vogels *s = NULL;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_s_vogels_new(&m, 0.1, 11, &s, &err));
    static uint32_t e[800 + MP_S_PAD], in[200 + MP_S_PAD]; /* see mp_s_vogels_step */
    double expect[8] = {0}, var[8] = {0};
    long long got[8] = {0};
    const double pb = 5.0 * 1e-4, pk = 500.0 * 1e-4 / 0.03;
    for (int64_t n = 0; n < 200000; n++) {
        size_t ne, ni;
        mp_s_vogels_step(s, n, e, &ne, in, &ni);
        for (size_t k = 0; k < ne; k++)
            got[e[k] / 100]++;
        for (size_t k = 0; k < ni; k++)
            got[in[k] / 25]++;
        for (int g = 0; g < 8; g++) {
            double F = mp_s_vogels_signal(s, (size_t)g);
            double p = pb + (F > 0 ? pk * F : 0.0);
            if (p > 1)
                p = 1;
            expect[g] += 125 * p;
            var[g] += 125 * p * (1 - p);
        }
    }
    int bad = 0;
    for (int g = 0; g < 8; g++) {
        double z = ((double)got[g] - expect[g]) / sqrt(var[g]);
        if (fabs(z) > 5) {
            bad++;
            printf("group %d: %lld spikes, expected %.1f (z = %.2f)\n", g, got[g], expect[g], z);
        }
    }
    printf("vogels groups, no dead time, 20 s: group 0 %lld spikes (expected %.1f), "
           "mean train rate %.1f Hz\n", got[0], expect[0], (double)got[0] / 125.0 / 20.0);
    CHECK_EQ(bad, 0);
    mp_s_vogels_free(s);
}

static double corr(const double *a, const double *b, size_t n)
{
    double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < n; i++) {
        ma += a[i] / (double)n;
        mb += b[i] / (double)n;
    }
    for (size_t i = 0; i < n; i++) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / sqrt(saa * sbb);
}

static void vogels_dead_time_and_correlations(void)
{
    mp_m_vogels m = {8, 100, 25, 50.0, 5.0, 500.0, 0.03, 5.0, 0, 1.0, 0.5};
    mp_s_vogels *s = NULL;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_s_vogels_new(&m, 0.1, 5, &s, &err));
    static uint32_t e[800 + MP_S_PAD], in[200 + MP_S_PAD]; /* see mp_s_vogels_step */
    static int64_t last[1000];
    static long long cnt[1000];
    const size_t bins = 10000; /* 100 s in 10-ms bins */
    double *be = calloc(8 * bins, sizeof *be), *bi = calloc(8 * bins, sizeof *bi);
    for (int i = 0; i < 1000; i++)
        last[i] = -1000;
    int64_t min_isi = INT64_MAX;
    for (int64_t n = 0; n < (int64_t)bins * 100; n++) {
        size_t ne, ni, b = (size_t)(n / 100);
        mp_s_vogels_step(s, n, e, &ne, in, &ni);
        for (size_t k = 0; k < ne + ni; k++) {
            uint32_t id = k < ne ? e[k] : 800 + in[k - ne];
            if (n - last[id] < min_isi)
                min_isi = n - last[id];
            last[id] = n;
            cnt[id]++;
            if (k < ne)
                be[(e[k] / 100) * bins + b] += 1;
            else
                bi[(in[k - ne] / 25) * bins + b] += 1;
        }
    }
    printf("vogels groups, dead time 5 ms, 100 s: min ISI %lld steps (dead time 50)\n",
           (long long)min_isi);
    CHECK(min_isi >= 50);
    double within = 1, between = 0;
    for (int g = 0; g < 8; g++) {
        double c = corr(be + g * bins, bi + g * bins, bins);
        within = c < within ? c : within;
        for (int h = 0; h < 8; h++) {
            if (h == g)
                continue;
            double c2 = fabs(corr(be + g * bins, bi + h * bins, bins));
            between = c2 > between ? c2 : between;
        }
    }
    printf("10-ms bin correlation E-I same group: min %.3f; different groups: max |c| %.3f\n",
           within, between);
    CHECK(within > 0.5);
    CHECK(between < 0.15);
    /* per-train rates: every train of a group near the group mean */
    int outliers = 0;
    double rate = 0;
    for (int g = 0; g < 8; g++) {
        double mean = 0;
        for (int i = 0; i < 125; i++) {
            int id = i < 100 ? g * 100 + i : 800 + g * 25 + (i - 100);
            mean += (double)cnt[id] / 125.0;
        }
        rate += mean / 100.0 / 8.0;
        for (int i = 0; i < 125; i++) {
            int id = i < 100 ? g * 100 + i : 800 + g * 25 + (i - 100);
            if (fabs((double)cnt[id] - mean) > 6 * sqrt(mean))
                outliers++;
        }
    }
    printf("mean train rate %.2f Hz; trains off their group mean by > 6 sd: %d\n", rate,
           outliers);
    CHECK_EQ(outliers, 0);
    CHECK(rate > 5.0 && rate < 200.0);
    free(be);
    free(bi);
    mp_s_vogels_free(s);
}

/* Constant probability p per step (no signal) with a dead time of D steps:
 * after a spike a train is silent for D - 1 steps, then Bernoulli(p) per
 * step, so the inter-spike interval is D - 1 + Geometric(p) steps exactly:
 * mean D - 1 + 1/p, variance (1 - p)/p^2. */
static void vogels_dead_time_exact(void)
{
    mp_m_vogels m = {4, 100, 25, 50.0, 100.0, 0.0, 0.03, 5.0, 0, 1.0, 0.5};
    mp_s_vogels *s;
    mp_error err;
    CHECK_OK(mp_s_vogels_new(&m, 0.1, 23, &s, &err));
    static uint32_t e[400 + MP_S_PAD], in[100 + MP_S_PAD];
    static int64_t last[500];
    for (int i = 0; i < 500; i++)
        last[i] = -1;
    double n_isi = 0, sum = 0, sum2 = 0;
    int64_t min_isi = INT64_MAX;
    const double p = 100.0 * 0.1e-3, D = 50.0;
    for (int64_t n = 0; n < 1000000; n++) {
        size_t ne, ni;
        mp_s_vogels_step(s, n, e, &ne, in, &ni);
        for (size_t k = 0; k < ne + ni; k++) {
            int id = k < ne ? (int)e[k] : 400 + (int)in[k - ne];
            if (last[id] >= 0) {
                double isi = (double)(n - last[id]);
                n_isi += 1;
                sum += isi;
                sum2 += isi * isi;
                if (n - last[id] < min_isi)
                    min_isi = n - last[id];
            }
            last[id] = n;
        }
    }
    double mean = sum / n_isi, var = sum2 / n_isi - mean * mean;
    double want_mean = D - 1.0 + 1.0 / p, want_var = (1.0 - p) / (p * p);
    printf("dead time exact: %.0f ISIs, mean %.3f (want %.3f), var %.1f (want %.1f), min %lld\n",
           n_isi, mean, want_mean, var, want_var, (long long)min_isi);
    CHECK_EQ(min_isi, 50);
    /* 5 standard errors of the mean; variance within 2 % */
    CHECK_NEAR(mean, want_mean, 0.0, 5.0 * sqrt(want_var / n_isi));
    CHECK_NEAR(var, want_var, 0.02, 0.0);
    mp_s_vogels_free(s);
}

/* The spikes do not depend on how many steps are generated at once: each
 * group draws from its own stream, and the block only splits the same
 * sequence of operations. Blocks of 1, 8, 64 (the default) and 256 steps,
 * with dead time, without, and with the sparsify toggle. */
static void vogels_block_length_invariant(void)
{
    const mp_m_vogels ms[3] = {
        {8, 100, 25, 50.0, 5.0, 500.0, 0.03, 5.0, 0, 1.0, 0.5},
        {3, 7, 2, 50.0, 5.0, 500.0, 0.03, 0.0, 0, 1.0, 0.5},
        {4, 20, 5, 50.0, 5.0, 500.0, 0.03, 2.0, 1, 1.0, 0.5},
    };
    const uint32_t blocks[4] = {1, 8, 64, 256};
    for (int c = 0; c < 3; c++) {
        mp_s_vogels *s[4];
        mp_error err;
        for (int b = 0; b < 4; b++)
            CHECK_OK(mp_s_vogels_new_blocked(&ms[c], 0.1, 99, blocks[b], &s[b], &err));
        static uint32_t e[4][800 + MP_S_PAD], in[4][200 + MP_S_PAD];
        long long diff = 0, spikes = 0;
        for (int64_t n = 0; n < 30000; n++) {
            size_t ne[4], ni[4];
            for (int b = 0; b < 4; b++)
                mp_s_vogels_step(s[b], n, e[b], &ne[b], in[b], &ni[b]);
            spikes += (long long)(ne[0] + ni[0]);
            for (int b = 1; b < 4; b++) {
                diff += ne[b] != ne[0] || ni[b] != ni[0];
                for (size_t k = 0; k < ne[0] && k < ne[b]; k++)
                    diff += e[b][k] != e[0][k];
                for (size_t k = 0; k < ni[0] && k < ni[b]; k++)
                    diff += in[b][k] != in[0][k];
                diff += mp_s_vogels_signal(s[b], 0) != mp_s_vogels_signal(s[0], 0);
            }
        }
        printf("vogels block lengths 1/8/64/256, case %d: %lld spikes, %lld differences\n", c,
               spikes, diff);
        CHECK(spikes > 1000);
        CHECK_EQ(diff, 0);
        for (int b = 0; b < 4; b++)
            mp_s_vogels_free(s[b]);
    }
}

/* Drives outside mp_neg_log1m's range: a peak drive 100 times the usual
 * one makes p > 0.29 (the mp_log fix-up) in about a third of the steps and
 * p >= 1 in some; the count still follows sum M p over the signal. And
 * p >= 1 throughout makes every train fire as soon as its dead time
 * allows: exactly every D steps. */
static void vogels_high_probability(void)
{
    mp_m_vogels hot = {2, 40, 10, 50.0, 5.0, 50000.0, 0.03, 0.0, 0, 1.0, 0.5};
    mp_s_vogels *s;
    mp_error err;
    CHECK_OK(mp_s_vogels_new(&hot, 0.1, 5, &s, &err));
    static uint32_t e[80 + MP_S_PAD], in[20 + MP_S_PAD];
    double expect = 0.0, var = 0.0, high = 0.0;
    long long total = 0;
    const int64_t N = 20000;
    const double pb = 5.0 * 1e-4, pk = 50000.0 * 1e-4 / 0.03;
    for (int64_t n = 0; n < N; n++) {
        size_t ne, ni;
        mp_s_vogels_step(s, n, e, &ne, in, &ni);
        total += (long long)(ne + ni);
        for (int g = 0; g < 2; g++) {
            double F = mp_s_vogels_signal(s, (size_t)g);
            double p = pb + (F > 0 ? pk * F : 0.0);
            high += p > MP_NEG_LOG1M_MAX;
            p = p > 1.0 ? 1.0 : p;
            expect += 50.0 * p;
            var += 50.0 * p * (1.0 - p);
        }
    }
    printf("vogels high drive: %lld spikes (expected %.0f +- %.0f), p > %.2f in %.0f %% of "
           "group steps\n", total, expect, sqrt(var), MP_NEG_LOG1M_MAX, 100.0 * high / (2.0 * N));
    CHECK(high > 0.1 * 2.0 * N);
    CHECK_NEAR((double)total, expect, 0.0, 5.0 * sqrt(var));
    mp_s_vogels_free(s);

    mp_m_vogels sure = {2, 40, 10, 50.0, 10000.0, 0.0, 0.03, 0.3, 0, 1.0, 0.5};
    CHECK_OK(mp_s_vogels_new(&sure, 0.1, 5, &s, &err));
    int bad = 0;
    for (int64_t n = 0; n < 300; n++) {
        size_t ne, ni;
        mp_s_vogels_step(s, n, e, &ne, in, &ni);
        size_t want_n = n % 3 == 0 ? 100 : 0; /* dead time 3 steps */
        bad += ne + ni != want_n;
    }
    printf("vogels p = 1, dead time 3 steps: %d steps off the exact pattern\n", bad);
    CHECK_EQ(bad, 0);
    mp_s_vogels_free(s);
}

static void replay(void)
{
    double t[] = {0.0, 0.05, 0.1, 0.1001, 0.25, 0.25, 1.0};
    uint32_t id[] = {2, 0, 1, 1, 2, 2, 0};
    mp_m_spike_file f = {NULL, 3, 7, t, id};
    mp_s_replay *s = NULL;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_s_replay_new(&f, 0.1, &s, &err));
    uint32_t out[3];
    size_t k0 = mp_s_replay_step(s, 0, out);
    CHECK_EQ(k0, 3); /* 0.0, 0.05, 0.1 lie in step 0 = (0, 0.1] */
    CHECK_EQ(mp_s_replay_step(s, 1, out), 1);
    CHECK_EQ(out[0], 1);
    CHECK_EQ(mp_s_replay_step(s, 2, out), 1); /* the duplicate is dropped */
    CHECK_EQ(out[0], 2);
    for (int64_t n = 3; n < 9; n++)
        CHECK_EQ(mp_s_replay_step(s, n, out), 0);
    CHECK_EQ(mp_s_replay_step(s, 9, out), 1);
    CHECK_EQ(mp_s_step_of_time(0.3, 0.1), 2);
    CHECK_EQ(mp_s_step_of_time(0.3001, 0.1), 3);
    mp_s_replay_free(s);
}

int main(void)
{
    poisson();
    vogels_rate_vs_signal();
    vogels_dead_time_and_correlations();
    vogels_dead_time_exact();
    vogels_block_length_invariant();
    vogels_high_probability();
    replay();
    return CHECK_DONE();
}
