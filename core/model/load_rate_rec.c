/* Recorders of rate models: accuracy, alignment, orthonormality, weights,
 * pc_angle; periods in samples ("every"), held-out batches from the test
 * set ("test_samples"). */
#include <stdint.h>
#include <string.h>

#include "model/load_int.h"
#include "stimuli/dataset_int.h"

int mp_m_rate_recorder(mp_m_ctx *c, mp_model *m, size_t i, const json_t *v)
{
    /* index + MP_REC_ACCURACY = the kind, except weights */
    static const char *const types[] = {"accuracy", "alignment", "orthonormality",
                                        "weights",  "pc_angle",  NULL};
    static const char *const keys_test[] = {"type", "every", "test_samples",
                                            "file", NULL};
    static const char *const keys_proj[] = {"type", "projection", "every", "file",
                                            NULL};
    static const size_t hundred = 100;
    mp_m_recorder *r = &m->recorders[i];
    int type = 0;
    int rc = json_is_object(v) ? mp_m_enum(c, v, "type", types, -1, &type)
                               : mp_m_fail(c, MP_EINVAL, "expected a recorder "
                                           "object, got %s", mp_m_type_name(v));
    if (rc != MP_OK) {
        if (json_is_object(v) && json_is_string(json_object_get(v, "type")) &&
            strstr("spikes state rate", json_string_value(json_object_get(v, "type"))))
            return mp_m_fail_key(c, "type", MP_EINVAL,
                                 "'%s' records spiking networks; a rate network "
                                 "records accuracy, alignment, orthonormality, "
                                 "weights or pc_angle",
                                 json_string_value(json_object_get(v, "type")));
        return rc;
    }
    r->kind = (mp_m_rec_kind)(MP_REC_ACCURACY + type);
    int by_proj = r->kind == MP_REC_RATE_WEIGHTS || r->kind == MP_REC_PC_ANGLE;
    rc = mp_m_object(c, v, "recorder", by_proj ? keys_proj : keys_test);
    if (rc == MP_OK)
        rc = mp_m_size(c, v, "every", NULL, 1, SIZE_MAX, &r->every);
    const char *target = "network";
    if (rc == MP_OK && by_proj) {
        const char *name;
        rc = mp_m_str(c, v, "projection", 0, NULL, &name);
        long j = rc == MP_OK ? mp_m_projection_find(m, name) : -1;
        if (rc == MP_OK && j < 0)
            rc = mp_m_fail_key(c, "projection", MP_EINVAL, "unknown projection '%s'",
                               name);
        if (rc == MP_OK) {
            r->target = (size_t)j;
            target = m->projections[j].name;
        }
    }
    if (rc == MP_OK && r->kind == MP_REC_PC_ANGLE) {
        const mp_m_projection *p = &m->projections[r->target];
        size_t n_pre = m->sources[p->source].size;
        if (!m->data.rotation)
            rc = mp_m_fail_key(c, "type", MP_EINVAL,
                               "pc_angle needs \"data\": {\"source\": \"gaussian\"} "
                               "(its principal axes are known)");
        else if (p->lateral || n_pre != m->data.train->dim)
            rc = mp_m_fail_key(c, "projection", MP_EINVAL,
                               "pc_angle needs a feedforward projection from the "
                               "input ('%s' is not one)", p->name);
        else if (m->populations[p->target].size > n_pre)
            rc = mp_m_fail_key(c, "projection", MP_EINVAL,
                               "'%s' has more neurons than there are principal axes",
                               p->name);
    }
    if (rc == MP_OK && !by_proj) {
        const mp_dataset *t = m->data.test;
        size_t most = t ? t->n : 0;
        if (!t)
            rc = mp_m_fail_key(c, "type", MP_EINVAL,
                               "%s needs held-out data; this data source has no "
                               "test set", types[type]);
        else if (m->training.loss == MP_LOSS_NONE && r->kind != MP_REC_ORTHONORMALITY)
            rc = mp_m_fail_key(c, "type", MP_EINVAL,
                               "%s needs a loss (training.loss is \"none\")",
                               types[type]);
        if (rc == MP_OK)
            rc = mp_m_size(c, v, "test_samples", most < 100 ? &most : &hundred, 1,
                           most, &r->test_samples);
    }
    if (rc == MP_OK)
        rc = mp_m_rec_file(c, m, i, v, types[type], target);
    return rc;
}
