/* metaplast — symbol visibility of the public API. The library is built
 * with -fvisibility=hidden; only declarations marked MP_API are exported
 * (the test library_exports parses these headers and checks the library's
 * dynamic symbols against them). */
#ifndef METAPLAST_EXPORT_H
#define METAPLAST_EXPORT_H

#if defined(__GNUC__)
#define MP_API __attribute__((visibility("default")))
#else
#define MP_API
#endif

#endif
