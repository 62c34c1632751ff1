/* Freeing a model (whole or half-built by a failed load) and the accessors. */
#include <stdlib.h>
#include <string.h>

#include "model/model_int.h"
#include "stimuli/dataset_int.h"
#include "util/util_int.h"

void mp_model_free(mp_model *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n_populations; i++)
        mp_u_free(m->populations[i].name);
    for (size_t i = 0; i < m->n_stimuli; i++) {
        mp_m_stimulus *s = &m->stimuli[i];
        mp_u_free(s->name);
        mp_u_free(s->file.file);
        mp_u_free(s->file.t);
        mp_u_free(s->file.id);
    }
    for (size_t i = 0; i < m->n_sources; i++)
        mp_u_free(m->sources[i].name);
    for (size_t i = 0; i < m->n_projections; i++) {
        mp_m_projection *p = &m->projections[i];
        mp_u_free(p->name);
        if (p->plasticity)
            mp_u_free(p->plasticity->params);
        mp_u_free(p->plasticity);
    }
    for (size_t i = 0; i < m->n_recorders; i++) {
        mp_u_free(m->recorders[i].file);
        mp_u_free(m->recorders[i].neurons);
    }
    mp_ds_free(m->data.train);
    mp_ds_free(m->data.test);
    mp_u_free(m->data.rotation);
    mp_u_free(m->data.variances);
    mp_u_free(m->chain.order);
    mp_u_free(m->chain.ff_into);
    mp_u_free(m->chain.lat_of);
    /* Plugins last: projections borrow them. */
    for (size_t i = 0; i < m->n_plugins; i++)
        mp_p_plugin_free(m->plugins[i]);
    mp_u_free(m->plugins);
    mp_u_free(m->populations);
    mp_u_free(m->stimuli);
    mp_u_free(m->sources);
    mp_u_free(m->projections);
    mp_u_free(m->recorders);
    mp_u_free(m->file);
    mp_u_free(m->dir);
    mp_u_free(m->name);
    mp_u_free(m->notes);
    mp_u_free(m);
}

const char *mp_model_name(const mp_model *m) { return m ? m->name : NULL; }
const char *mp_model_file(const mp_model *m) { return m ? m->file : NULL; }
uint64_t mp_model_seed(const mp_model *m) { return m ? m->seed : 0; }
double mp_model_dt(const mp_model *m) { return m ? m->dt : 0.0; }
double mp_model_duration(const mp_model *m) { return m ? m->duration : 0.0; }

long mp_m_source_find(const mp_model *m, const char *name)
{
    if (!m || !name)
        return -1;
    for (size_t i = 0; i < m->n_sources; i++)
        if (strcmp(m->sources[i].name, name) == 0)
            return (long)i;
    return -1;
}
