/* Connectivity and initial weights of a projection, stored as mp_synapses:
 * synapses grouped by presynaptic neuron (pre_ptr, post_of; within a row by
 * ascending post) plus the index by postsynaptic neuron (post_ptr, post_syn,
 * pre_of), built for every rule, all_to_all included. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/kernel_int.h"
#include "util/fastmath.h"
#include "util/util_int.h"

typedef struct pairs {
    uint32_t *pre, *post;
    size_t n, cap;
} pairs;

/* Appends a pair: 0, or MP_ENOMEM, or TOO_MANY at MP_MAX_SYNAPSES, so that a
 * count mp_m_check_sizes could only bound (fixed_probability) stops at the
 * limit instead of after every pair has been drawn. */
enum { TOO_MANY = 1 };

static int push(pairs *P, uint32_t i, uint32_t j)
{
    if (P->n >= MP_MAX_SYNAPSES)
        return TOO_MANY;
    if (P->n == P->cap) {
        size_t cap = P->cap ? 2 * P->cap : 1024;
        uint32_t *a = mp_u_realloc(P->pre, cap * sizeof *a);
        if (!a)
            return MP_ENOMEM;
        P->pre = a;
        uint32_t *b = mp_u_realloc(P->post, cap * sizeof *b);
        if (!b)
            return MP_ENOMEM;
        P->post = b;
        P->cap = cap;
    }
    P->pre[P->n] = i;
    P->post[P->n] = j;
    P->n++;
    return 0;
}

/* Failures before the next success of a Bernoulli(p) sequence, 1/ln(1-p) = inv_q. */
static double geom_gap(gsl_rng *r, double inv_q)
{
    return floor(mp_log(gsl_rng_uniform_pos(r)) * inv_q); /* same bits on every CPU */
}

static int draw_pairs(pairs *P, const mp_m_projection *m, uint32_t n_pre,
                      uint32_t n_post, int no_auto, gsl_rng *r)
{
    int e;
    switch (m->conn) {
    case MP_CONN_ALL_TO_ALL:
        for (uint32_t i = 0; i < n_pre; i++)
            for (uint32_t j = 0; j < n_post; j++)
                if (!(no_auto && i == j) && (e = push(P, i, j)) != 0)
                    return e;
        return MP_OK;
    case MP_CONN_ONE_TO_ONE:
        for (uint32_t i = 0; i < n_pre && i < n_post; i++)
            if (!no_auto && (e = push(P, i, i)) != 0)
                return e;
        return MP_OK;
    case MP_CONN_FIXED_PROBABILITY: {
        double p = m->p;
        if (!(p > 0.0))
            return MP_OK;
        double inv_q = p >= 1.0 ? 0.0 : 1.0 / mp_log1p(-p);
        for (uint32_t i = 0; i < n_pre; i++) {
            double j = p >= 1.0 ? 0.0 : geom_gap(r, inv_q);
            while (j < (double)n_post) {
                uint32_t jj = (uint32_t)j;
                if (!(no_auto && jj == i) && (e = push(P, i, jj)) != 0)
                    return e;
                j += 1.0 + (p >= 1.0 ? 0.0 : geom_gap(r, inv_q));
            }
        }
        return MP_OK;
    }
    case MP_CONN_FIXED_INDEGREE: {
        /* Floyd's algorithm per target: k distinct of the candidates
         * (all pre, or all but j itself when autapses are excluded). */
        uint64_t *mark = mp_u_calloc(n_pre ? n_pre : 1, sizeof *mark);
        if (!mark)
            return MP_ENOMEM;
        size_t k = m->k;
        for (uint32_t j = 0; j < n_post; j++) {
            uint32_t nc = n_pre - (no_auto && j < n_pre ? 1 : 0);
            if (k > nc) {
                mp_u_free(mark);
                return MP_EINVAL;
            }
            uint64_t stamp = (uint64_t)j + 1;
            for (uint32_t c = nc - (uint32_t)k; c < nc; c++) {
                uint32_t t = (uint32_t)gsl_rng_uniform_int(r, (unsigned long)c + 1);
                /* candidate index -> presynaptic neuron */
                uint32_t it = (no_auto && j < n_pre && t >= j) ? t + 1 : t;
                uint32_t ic = (no_auto && j < n_pre && c >= j) ? c + 1 : c;
                uint32_t pick = mark[it] == stamp ? ic : it;
                mark[pick] = stamp;
                if ((e = push(P, pick, j)) != 0) {
                    mp_u_free(mark);
                    return e;
                }
            }
        }
        mp_u_free(mark);
        return MP_OK;
    }
    }
    return MP_EINVAL;
}

void mp_k_proj_free_arrays(mp_k_proj *pj)
{
    mp_u_free(pj->pre_ptr);
    mp_u_free(pj->post_of);
    mp_u_free(pj->post_ptr);
    mp_u_free(pj->post_syn);
    mp_u_free(pj->pre_of);
    mp_u_free(pj->w);
    pj->pre_ptr = pj->post_of = pj->post_ptr = pj->post_syn = pj->pre_of = NULL;
    pj->w = NULL;
}

int mp_k_connect(mp_k_proj *pj, const mp_m_projection *m, const mp_m_source *src,
                 uint32_t n_pre, uint32_t n_post, int same_pop, gsl_rng *conn_rng,
                 gsl_rng *w_rng, const char *file, const char *path, mp_error *err)
{
    pairs P = {0};
    int no_auto = same_pop && !m->allow_autapses;
    int rc = draw_pairs(&P, m, n_pre, n_post, no_auto, conn_rng);
    if (rc == MP_EINVAL) {
        mp_u_free(P.pre);
        mp_u_free(P.post);
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "projection '%s': in-degree %zu exceeds the %u possible sources",
                        m->name, m->k, n_pre);
    }
    size_t nnz = P.n;
    if (rc == MP_OK) {
        pj->pre_ptr = mp_u_calloc((size_t)n_pre + 1, sizeof *pj->pre_ptr);
        pj->post_ptr = mp_u_calloc((size_t)n_post + 1, sizeof *pj->post_ptr);
        pj->post_of = mp_u_malloc((nnz ? nnz : 1) * sizeof *pj->post_of);
        pj->pre_of = mp_u_malloc((nnz ? nnz : 1) * sizeof *pj->pre_of);
        pj->post_syn = mp_u_malloc((nnz ? nnz : 1) * sizeof *pj->post_syn);
        pj->w = mp_u_malloc((nnz ? nnz : 1) * sizeof *pj->w);
        if (!pj->pre_ptr || !pj->post_ptr || !pj->post_of || !pj->pre_of ||
            !pj->post_syn || !pj->w)
            rc = MP_ENOMEM;
    }
    if (rc != MP_OK) {
        mp_u_free(P.pre);
        mp_u_free(P.post);
        mp_k_proj_free_arrays(pj);
        if (rc == TOO_MANY) /* fixed_probability drew more than its bound */
            return mp_u_err(err, MP_EINVAL, file, 0, 0, path,
                            "projection '%s' drew more than %u synapses, the limit per "
                            "projection (%u x %u pairs); split it into several "
                            "projections or connect fewer pairs",
                            m->name, MP_MAX_SYNAPSES, n_pre, n_post);
        return mp_u_mem_fail(err, mp_u_size_mul(nnz, 20) + 8 * ((size_t)n_pre + n_post),
                             file, path, "its synapses", "projection '%s' (%zu synapses)",
                             m->name, nnz);
    }
    /* stable counting sort by pre */
    for (size_t s = 0; s < nnz; s++)
        pj->pre_ptr[P.pre[s] + 1]++;
    for (uint32_t i = 0; i < n_pre; i++)
        pj->pre_ptr[i + 1] += pj->pre_ptr[i];
    {
        uint32_t *next = mp_u_malloc(((size_t)n_pre + 1) * sizeof *next);
        if (!next) {
            mp_u_free(P.pre);
            mp_u_free(P.post);
            mp_k_proj_free_arrays(pj);
            return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        }
        memcpy(next, pj->pre_ptr, ((size_t)n_pre + 1) * sizeof *next);
        for (size_t s = 0; s < nnz; s++) {
            uint32_t k = next[P.pre[s]]++;
            pj->post_of[k] = P.post[s];
            pj->pre_of[k] = P.pre[s];
        }
        /* rows ordered by ascending post (pairs of fixed_probability and
         * all_to_all already are; fixed_indegree comes post-major, and the
         * stable sort keeps that order) */
        mp_u_free(next);
    }
    mp_u_free(P.pre);
    mp_u_free(P.post);
    /* index by post */
    for (size_t k = 0; k < nnz; k++)
        pj->post_ptr[pj->post_of[k] + 1]++;
    for (uint32_t j = 0; j < n_post; j++)
        pj->post_ptr[j + 1] += pj->post_ptr[j];
    {
        uint32_t *next = mp_u_malloc(((size_t)n_post + 1) * sizeof *next);
        if (!next) {
            mp_k_proj_free_arrays(pj);
            return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        }
        memcpy(next, pj->post_ptr, ((size_t)n_post + 1) * sizeof *next);
        for (size_t k = 0; k < nnz; k++)
            pj->post_syn[next[pj->post_of[k]]++] = (uint32_t)k;
        mp_u_free(next);
    }
    /* weights, in synapse order */
    for (size_t k = 0; k < nnz; k++) {
        size_t G = src->n_groups > 0 && src->per_group > 0
                       ? pj->pre_of[k] / src->per_group + 1
                       : 1;
        pj->w[k] = mp_u_init_draw(&m->weight, w_rng, G);
    }
    pj->syn.n_pre = n_pre;
    pj->syn.n_post = n_post;
    pj->syn.nnz = nnz;
    pj->syn.w = pj->w;
    pj->syn.pre_ptr = pj->pre_ptr;
    pj->syn.post_of = pj->post_of;
    pj->syn.post_ptr = pj->post_ptr;
    pj->syn.post_syn = pj->post_syn;
    pj->syn.pre_of = pj->pre_of;
    return MP_OK;
}
