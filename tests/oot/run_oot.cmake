# The out-of-tree plugin test (CTest case plugin_out_of_tree):
#   cmake -DBUILD_DIR=<build> -DSOURCE_DIR=<src>/tests/oot -DWORK_DIR=<dir>
#         -DPREFIX=<build>/_install_test -P run_oot.cmake
# 1. installs the build into PREFIX;
# 2. builds my_rule.so from a copy of this folder with make, using only the
#    installed header found through `pkg-config --cflags metaplast`;
# 3. runs the installed `metaplast check`, `run` (model.json uses
#    "./my_rule.so") and `plugins`, with METAPLAST_PLUGIN_PATH unset.
foreach(v BUILD_DIR SOURCE_DIR WORK_DIR PREFIX)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "run_oot.cmake: -D${v}=... is required")
  endif()
endforeach()
unset(ENV{METAPLAST_PLUGIN_PATH})
unset(ENV{PKG_CONFIG_LIBDIR})

function(step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err WORKING_DIRECTORY ${WORK_DIR})
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (exit ${rc}):\n  ${ARGN}\n${out}\n${err}")
  endif()
  message(STATUS "${what}: ok")
  set(STEP_OUT "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${PREFIX} ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

# 1. install
step("install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX})

# 2. pkg-config: the .pc may live in lib/, lib64/ or lib/<multiarch>/
file(GLOB_RECURSE pcs ${PREFIX}/*/metaplast.pc)
if(NOT pcs)
  message(FATAL_ERROR "no metaplast.pc under ${PREFIX}")
endif()
list(GET pcs 0 pc)
get_filename_component(pcdir ${pc} DIRECTORY)
set(ENV{PKG_CONFIG_PATH} "${pcdir}")
find_program(PKG_CONFIG NAMES pkg-config pkgconf REQUIRED)
# The install was relocated to PREFIX, so tell pkg-config its prefix.
set(pcflags "--define-variable=prefix=${PREFIX}")
step("pkg-config --cflags" ${PKG_CONFIG} ${pcflags} --cflags metaplast)
string(STRIP "${STEP_OUT}" cflags)
if(NOT cflags MATCHES "-I${PREFIX}/")
  message(FATAL_ERROR "pkg-config --cflags metaplast gives '${cflags}', not the "
          "include directory of the install in ${PREFIX}: metaplast.pc must "
          "define includedir (and libdir) relative to \${prefix}")
endif()
string(REGEX REPLACE "^.*-I([^ ]+).*$" "\\1" incdir "${cflags}")
if(NOT EXISTS ${incdir}/metaplast/rule.h)
  message(FATAL_ERROR "${incdir}/metaplast/rule.h is not installed")
endif()

foreach(f my_rule.c Makefile model.json)
  file(COPY ${SOURCE_DIR}/${f} DESTINATION ${WORK_DIR})
endforeach()
find_program(MAKE NAMES make gmake REQUIRED)
step("make my_rule.so" ${MAKE} -f ${WORK_DIR}/Makefile "PKG_CONFIG=${PKG_CONFIG}"
     "PKG_CONFIG_FLAGS=${pcflags}")
if(NOT EXISTS ${WORK_DIR}/my_rule.so)
  message(FATAL_ERROR "make did not produce my_rule.so")
endif()

# 3. the installed CLI
set(cli ${PREFIX}/bin/metaplast)
if(NOT EXISTS ${cli})
  message(FATAL_ERROR "${cli} is not installed")
endif()
step("metaplast check" ${cli} check ${WORK_DIR}/model.json)
step("metaplast run" ${cli} run ${WORK_DIR}/model.json --out ${WORK_DIR}/out --quiet)
if(NOT EXISTS ${WORK_DIR}/out/summary.json)
  message(FATAL_ERROR "metaplast run wrote no ${WORK_DIR}/out/summary.json")
endif()

# `metaplast plugins` finds the installed built-in rules next to the
# executable, and my_rule through METAPLAST_PLUGIN_PATH.
set(ENV{METAPLAST_PLUGIN_PATH} ${WORK_DIR})
step("metaplast plugins" ${cli} plugins)
foreach(want "${WORK_DIR}/my_rule.so" "name:    my_rule" "/metaplast/plugins/istdp.so")
  string(FIND "${STEP_OUT}" "${want}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "metaplast plugins does not list '${want}':\n${STEP_OUT}")
  endif()
endforeach()
string(FIND "${STEP_OUT}" "${PREFIX}/" at)
if(at EQUAL -1)
  message(FATAL_ERROR "metaplast plugins did not search the install in ${PREFIX}:\n${STEP_OUT}")
endif()
