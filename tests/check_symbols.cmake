# cmake -DLIBRARY=<libmetaplast.so or an archive> -DHEADER_DIR=<include/metaplast>
#       [-DREADELF=readelf] -P check_symbols.cmake
#
# The library exports exactly its public API: the names declared MP_API in
# HEADER_DIR/*.h (parsed here, so a new public function is checked without
# a list to update). Fails naming every exported symbol that no header
# declares MP_API, and every MP_API name the library does not export.
#
# "Exported" is what readelf shows: for a shared object its dynamic symbols
# (--dyn-syms), for a static archive the global symbols of default or
# protected visibility in its members, which a shared object linking the
# archive would export (the leak this test was written for, GCC 12's
# target_clones ifunc and resolver, shows in both).
cmake_policy(VERSION 3.20)

foreach(var LIBRARY HEADER_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_symbols.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT READELF) # empty where CMake found no readelf
  find_program(READELF NAMES readelf REQUIRED)
endif()

# ---- the public API: every MP_API declaration of the headers -----------------
# Comments, preprocessor lines (export.h's #define MP_API) and line breaks
# are dropped, then each "MP_API ... ;" is a declaration; its name is the
# last identifier before the first "(", "[", "=" or ";" (or the X of a
# function pointer "(*X)").
file(GLOB headers "${HEADER_DIR}/*.h")
if(NOT headers)
  message(FATAL_ERROR "check_symbols.cmake: no headers in ${HEADER_DIR}")
endif()
set(api "")
foreach(h ${headers})
  get_filename_component(hname "${h}" NAME)
  file(READ "${h}" text)
  string(REGEX REPLACE "/\\*([^*]|\\*+[^*/])*\\*+/" " " text "${text}")
  string(REGEX REPLACE "//[^\n]*" "" text "${text}")
  string(REGEX REPLACE "\\\\\n" " " text "${text}")
  string(REGEX REPLACE "(^|\n)[ \t]*#[^\n]*" "\n" text "${text}")
  string(REGEX REPLACE "[ \t\r\n]+" " " text "${text}")
  string(REGEX MATCHALL "MP_API[^;{]*" decls "${text}")
  foreach(decl ${decls})
    if(decl MATCHES "\\( *\\* *([A-Za-z_][A-Za-z0-9_]*) *\\)")
      set(name "${CMAKE_MATCH_1}")
    else()
      string(REGEX REPLACE "[[(=].*$" "" head "${decl}")
      if(NOT head MATCHES "([A-Za-z_][A-Za-z0-9_]*) *$")
        message(FATAL_ERROR "${hname}: cannot find the name declared in \"${decl}\"")
      endif()
      set(name "${CMAKE_MATCH_1}")
    endif()
    if(name STREQUAL "MP_API")
      message(FATAL_ERROR "${hname}: cannot find the name declared in \"${decl}\"")
    endif()
    list(APPEND api "${name}")
    set(header_of_${name} "${hname}")
  endforeach()
endforeach()
list(REMOVE_DUPLICATES api)
list(SORT api)
if(NOT api)
  message(FATAL_ERROR "check_symbols.cmake: no MP_API declaration in ${HEADER_DIR}/*.h")
endif()

# ---- what the library exports ------------------------------------------------
get_filename_component(lname "${LIBRARY}" NAME)
if(LIBRARY MATCHES "\\.a$")
  set(what "global symbols of default visibility")
  execute_process(COMMAND ${READELF} -W --syms "${LIBRARY}"
                  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
else()
  set(what "dynamic symbols")
  execute_process(COMMAND ${READELF} -W --dyn-syms "${LIBRARY}"
                  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
endif()
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${READELF} ${LIBRARY} failed (${rc}): ${err}")
endif()
# "  Num: Value Size Type Bind Vis Ndx Name": defined (Ndx not UND), bound
# beyond its object (GLOBAL, WEAK, UNIQUE), visible from outside.
set(exported "")
string(REGEX MATCHALL "[^\n]+" lines "${out}")
foreach(line ${lines})
  if(line MATCHES "^ *[0-9]+: +[0-9a-fA-F]+ +[0-9a-fx]+ +([A-Z_]+) +(GLOBAL|WEAK|GNU_UNIQUE|UNIQUE) +(DEFAULT|PROTECTED) +([A-Z0-9]+) +([^ ]+)")
    set(type "${CMAKE_MATCH_1}")
    set(ndx "${CMAKE_MATCH_4}")
    set(sym "${CMAKE_MATCH_5}")
    if(NOT ndx STREQUAL "UND")
      string(REGEX REPLACE "@.*$" "" sym "${sym}")
      list(APPEND exported "${sym}")
      if(type STREQUAL "IFUNC" OR sym MATCHES "\\.resolver$")
        set(ifunc_${sym} TRUE)
      endif()
    endif()
  endif()
endforeach()
list(REMOVE_DUPLICATES exported)
list(SORT exported)

# ---- compare -----------------------------------------------------------------
set(problems "")
foreach(sym ${exported})
  if(sym IN_LIST api)
    continue()
  endif()
  if(ifunc_${sym})
    list(APPEND problems
         "${lname} exports ${sym}, the ifunc or resolver of a target_clones function, which GCC 12 exports whatever its visibility unless the function is static: make it static and give it its library name by a hidden alias (as core/rate/linalg.c does)")
  else()
    list(APPEND problems
         "${lname} exports ${sym}, which no header in ${HEADER_DIR} declares MP_API: make it static, or give it hidden visibility (the build's default), or declare it MP_API in a public header if it is meant to be public")
  endif()
endforeach()
foreach(name ${api})
  if(NOT name IN_LIST exported)
    list(APPEND problems
         "${header_of_${name}} declares MP_API ${name}, but ${lname} does not export it: define it in the library, or remove the declaration")
  endif()
endforeach()
list(LENGTH api n_api)
list(LENGTH exported n_exp)
if(problems)
  string(REPLACE ";" "\n  " problems "${problems}")
  message(FATAL_ERROR "${lname}: ${n_exp} ${what}, ${n_api} MP_API declarations:\n  ${problems}")
endif()
message(STATUS "${lname} exports exactly the ${n_api} MP_API names of ${HEADER_DIR}/*.h")
