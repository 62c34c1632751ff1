/* `metaplast plugins`: the listing of every plugin on the search path. */
#ifndef MP_PLUGIN_REPORT_INT_H
#define MP_PLUGIN_REPORT_INT_H

#include <stddef.h>
#include <stdio.h>

/* Prints, for every plugin file found by mp_p_visit_all (search order, first
 * of a file name wins): its path, name, version and summary, and a table of
 * its parameters (unit, default, bounds, flags coef/tau_pre/tau_post, doc).
 * A file that fails to load is printed with its error. The search path is
 * printed first. Returns the number of files that failed to load (0: all
 * loaded), or -1 if out could not be written.
 * alloc: yes (transient) | threads: any */
int mp_p_report(FILE *out);

/* The plugin search directories in search order (METAPLAST_PLUGIN_PATH, then
 * next to the executable, then the compiled-in install directory), joined by
 * ':' into buf (size n, cut if too small). Returns the number of directories.
 * Implemented in search.c. */
size_t mp_p_search_path(char *buf, size_t n);

#endif
