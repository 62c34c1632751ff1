/* Freeing a model (whole or half-built by a failed load) and the accessors. */
#include <stdlib.h>
#include <string.h>

#include "model/model_int.h"
#include "stimuli/dataset_int.h"

void mp_model_free(mp_model *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n_populations; i++)
        free(m->populations[i].name);
    for (size_t i = 0; i < m->n_stimuli; i++) {
        mp_m_stimulus *s = &m->stimuli[i];
        free(s->name);
        free(s->file.file);
        free(s->file.t);
        free(s->file.id);
    }
    for (size_t i = 0; i < m->n_sources; i++)
        free(m->sources[i].name);
    for (size_t i = 0; i < m->n_projections; i++) {
        mp_m_projection *p = &m->projections[i];
        free(p->name);
        if (p->plasticity)
            free(p->plasticity->params);
        free(p->plasticity);
    }
    for (size_t i = 0; i < m->n_recorders; i++) {
        free(m->recorders[i].file);
        free(m->recorders[i].neurons);
    }
    mp_ds_free(m->data.train);
    mp_ds_free(m->data.test);
    free(m->data.rotation);
    free(m->data.variances);
    free(m->chain.order);
    free(m->chain.ff_into);
    free(m->chain.lat_of);
    /* Plugins last: projections borrow them. */
    for (size_t i = 0; i < m->n_plugins; i++)
        mp_p_plugin_free(m->plugins[i]);
    free(m->plugins);
    free(m->populations);
    free(m->stimuli);
    free(m->sources);
    free(m->projections);
    free(m->recorders);
    free(m->file);
    free(m->dir);
    free(m->name);
    free(m->notes);
    free(m);
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
