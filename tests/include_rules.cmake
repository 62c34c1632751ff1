# cmake -DMP_SOURCE_DIR=... -P include_rules.cmake: fails, naming file and
# line, on any include that crosses the layers of core/ (layout_cases.cmake).
cmake_policy(SET CMP0057 NEW)
set(bad "")
# dir@forbidden-include-regex
set(rules
    "core/kernel@\"(rate|meta|cli)/"
    "core/rate@\"(kernel|meta|cli)/"
    "core/model@\"(kernel|rate|net|meta|cli)/"
    "core/plugin@\"(kernel|rate|net|meta|cli)/"
    "core/net@\"(meta|cli)/"
    "core/util@\"(kernel|rate|net|meta|model|plugin|cli)/"
    "core/cli@\"(kernel|rate|net|meta|model|plugin|util|stimuli)/")
# Includes a layer may still make across these rules, each with why (none:
# the CLI uses include/metaplast/ alone and is compiled without core/ on its
# include path, docs/design-notes.md).
set(allowed "")
foreach(rule ${rules})
  string(REPLACE "@" ";" parts "${rule}")
  list(GET parts 0 dir)
  list(GET parts 1 re)
  file(GLOB files ${MP_SOURCE_DIR}/${dir}/*.c ${MP_SOURCE_DIR}/${dir}/*.h)
  foreach(f ${files})
    file(STRINGS ${f} lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
    file(RELATIVE_PATH rel ${MP_SOURCE_DIR} ${f})
    foreach(l ${lines})
      string(REGEX MATCH "\"[^\"]+\"" inc "${l}")
      string(REPLACE "\"" "" incname "${inc}")
      if(inc MATCHES "^${re}" AND NOT "${rel}:${incname}" IN_LIST allowed)
        string(APPEND bad "  ${rel}: #include ${inc}\n")
      endif()
    endforeach()
  endforeach()
endforeach()
if(bad)
  message(FATAL_ERROR "includes across the layers of core/ (kernel <-> rate, "
                      "cli -> internals):\n${bad}")
endif()
message(STATUS "include layering: ok")
