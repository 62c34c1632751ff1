# The library exports exactly its public API (included by tests/CMakeLists.txt;
# tests/check_symbols.cmake, docs/design-notes.md 15), label symbols:
# - library_exports: the dynamic symbols of libmetaplast.so against the MP_API
#   declarations of include/metaplast/*.h;
# - library_exports_static: the same for the static archive of the same
#   objects (metaplast_core, which the CLI and the tests link), whose global
#   symbols of default visibility are what a shared object linking it exports;
# - symbols_catches_leaks{,_static}: the checker itself, on a fixture library
#   (tests/symbols/) with one symbol too many and one too few.
function(mp_symbols_case name target header_dir)
  add_test(NAME ${name}
           COMMAND ${CMAKE_COMMAND} -DLIBRARY=$<TARGET_FILE:${target}>
                   -DHEADER_DIR=${header_dir} -DREADELF=${CMAKE_READELF}
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/check_symbols.cmake)
  set_tests_properties(${name} PROPERTIES LABELS symbols)
endfunction()

mp_symbols_case(library_exports metaplast ${PROJECT_SOURCE_DIR}/include/metaplast)
mp_symbols_case(library_exports_static metaplast_core ${PROJECT_SOURCE_DIR}/include/metaplast)

foreach(kind SHARED STATIC)
  string(TOLOWER ${kind} lkind)
  add_library(symbols_leaky_${lkind} ${kind} ${CMAKE_CURRENT_SOURCE_DIR}/symbols/leaky.c)
  target_include_directories(symbols_leaky_${lkind}
    PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/symbols/include ${PROJECT_SOURCE_DIR}/include)
  set_target_properties(symbols_leaky_${lkind} PROPERTIES
                        ARCHIVE_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/symbols
                        LIBRARY_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/symbols)
endforeach()
mp_symbols_case(symbols_catches_leaks symbols_leaky_shared
                ${CMAKE_CURRENT_SOURCE_DIR}/symbols/include)
mp_symbols_case(symbols_catches_leaks_static symbols_leaky_static
                ${CMAKE_CURRENT_SOURCE_DIR}/symbols/include)
set_tests_properties(symbols_catches_leaks symbols_catches_leaks_static PROPERTIES
  PASS_REGULAR_EXPRESSION
  "exports mp_fixture_extra, which no header in [^\n]* declares MP_API.*leaky.h declares MP_API mp_fixture_missing, but [^ ]* does not export it")
