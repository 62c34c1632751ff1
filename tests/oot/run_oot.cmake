# The out-of-tree test (CTest case plugin_out_of_tree): metaplast used the
# way docs/writing-a-rule.md and the README tell a user to use it.
#   cmake -DBUILD_DIR=<build> -DSOURCE_DIR=<src>/tests/oot -DDOCS_DIR=<src>
#         -DWORK_DIR=<dir> -DPREFIX=<build>/_install_test [-DSANITIZE=ON -DC_COMPILER=cc]
#         -P run_oot.cmake
# 1. installs the build into PREFIX (not the configured prefix);
# 2. plain `pkg-config` on the installed metaplast.pc (no --define-variable)
#    gives the installed header and plugin directory, and nothing to link;
# 3. builds my_rule.so with the documented Makefile and the documented one-line
#    command (both checked to be the text of docs/writing-a-rule.md);
# 4. runs the installed `metaplast check`, `run` and `plugins`, with
#    METAPLAST_PLUGIN_PATH unset, and the rule by name from the plugin
#    directory;
# 5. moves the installed tree elsewhere and does 2-4 again there (relocatable);
# 6. builds and runs tests/oot/embed.c against the moved tree with the
#    README's command for metaplast-embed.pc, on model.json and on the
#    installed Vogels model (its rule by name, found beside the library).
foreach(v BUILD_DIR SOURCE_DIR DOCS_DIR WORK_DIR PREFIX)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "run_oot.cmake: -D${v}=... is required")
  endif()
endforeach()
unset(ENV{METAPLAST_PLUGIN_PATH})
unset(ENV{PKG_CONFIG_LIBDIR})
unset(ENV{PKG_CONFIG_SYSROOT_DIR})
find_program(PKG_CONFIG NAMES pkg-config pkgconf REQUIRED)
find_program(MAKE NAMES make gmake REQUIRED)
find_program(SH NAMES sh REQUIRED)

# step(WHAT DIR cmd...): runs cmd in DIR; fails the test unless it exits 0.
function(step what dir)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err WORKING_DIRECTORY ${dir})
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (exit ${rc}):\n  ${ARGN}\n${out}\n${err}")
  endif()
  message(STATUS "${what}: ok")
  set(STEP_OUT "${out}" PARENT_SCOPE)
endfunction()

function(must_start_with what text want)
  string(FIND "${text}" "${want}" at)
  if(NOT at EQUAL 0)
    message(FATAL_ERROR "${what} is '${text}', which does not start with '${want}'")
  endif()
endfunction()

function(must_contain what text want)
  string(FIND "${text}" "${want}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${what} does not contain '${want}':\n${text}")
  endif()
endfunction()

# A command shown in a doc must be run as shown: take it from the test only
# after checking that the doc holds it verbatim.
function(documented doc text)
  file(READ ${DOCS_DIR}/${doc} body)
  string(FIND "${body}" "${text}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${doc} no longer shows, word for word:\n${text}\n"
            "update the doc or tests/oot/run_oot.cmake so that they agree")
  endif()
endfunction()

file(READ ${SOURCE_DIR}/Makefile mk)
string(FIND "${mk}" "PKG_CONFIG ?=" at)
string(SUBSTRING "${mk}" ${at} -1 mk_body)
documented(docs/writing-a-rule.md "```make\n${mk_body}```")
set(ONE_LINE "cc -std=c11 -O2 -fPIC -fvisibility=hidden $(pkg-config --cflags metaplast) \\\n       -shared -o my_rule.so my_rule.c -lm")
documented(docs/writing-a-rule.md "    ${ONE_LINE}\n")
set(COPY_LINE "cp my_rule.so \"$(pkg-config --variable=plugindir metaplast)\"")
documented(docs/writing-a-rule.md "    ${COPY_LINE}\n")
set(GRADCHECK_LINE "metaplast plugins --gradcheck ./my_rate_rule.so")
documented(docs/writing-a-rule.md "    ${GRADCHECK_LINE}\n")
set(RUN_SET "projections[inh].plasticity.params.eta=0.002")
documented(docs/writing-a-rule.md
           "    metaplast run model.json --out out/ --set '${RUN_SET}'\n")
set(EMBED_LINE "cc -o embed embed.c $(pkg-config --cflags --libs metaplast-embed) -Wl,-rpath,\"$(pkg-config --variable=libdir metaplast-embed)\"")
documented(README.md "    ${EMBED_LINE}\n")

# The user's session with an install in `prefix`; `tag` names the steps.
function(use_install prefix tag)
  set(work ${WORK_DIR}/${tag})
  file(REMOVE_RECURSE ${work})
  file(MAKE_DIRECTORY ${work}/make ${work}/one_line)

  # 2. pkg-config: the .pc may live in lib/, lib64/ or lib/<multiarch>/
  file(GLOB_RECURSE pcs ${prefix}/*/pkgconfig/metaplast.pc)
  if(NOT pcs)
    message(FATAL_ERROR "no metaplast.pc under ${prefix}")
  endif()
  list(GET pcs 0 pc)
  get_filename_component(pcdir ${pc} DIRECTORY)
  set(ENV{PKG_CONFIG_PATH} "${pcdir}")
  step("${tag}: pkg-config --cflags" ${work} ${PKG_CONFIG} --cflags metaplast)
  string(STRIP "${STEP_OUT}" cflags)
  must_start_with("PKG_CONFIG_PATH=${pcdir} pkg-config --cflags metaplast"
                  "${cflags}" "-I${prefix}/")
  string(REGEX REPLACE "^-I" "" incdir "${cflags}")
  if(NOT EXISTS ${incdir}/metaplast/rule.h)
    message(FATAL_ERROR "${incdir}/metaplast/rule.h is not installed")
  endif()
  step("${tag}: pkg-config --libs" ${work} ${PKG_CONFIG} --libs metaplast)
  string(STRIP "${STEP_OUT}" libs)
  if(NOT libs STREQUAL "")
    message(FATAL_ERROR "pkg-config --libs metaplast gives '${libs}': a rule "
            "plugin must not link libmetaplast (docs/rule-abi.md)")
  endif()
  step("${tag}: pkg-config --variable=plugindir" ${work}
       ${PKG_CONFIG} --variable=plugindir metaplast)
  string(STRIP "${STEP_OUT}" plugindir)
  file(REAL_PATH "${plugindir}" plugindir_real)
  file(GLOB installed_plugins ${prefix}/*/metaplast/plugins/istdp.so)
  if(NOT installed_plugins)
    message(FATAL_ERROR "no istdp.so installed under ${prefix}")
  endif()
  must_start_with("pkg-config --variable=plugindir metaplast" "${plugindir}"
                  "${prefix}/")
  get_filename_component(want_dir ${installed_plugins} DIRECTORY)
  if(NOT plugindir_real STREQUAL want_dir)
    message(FATAL_ERROR "plugindir '${plugindir}' is not ${want_dir}")
  endif()

  # 3. the documented builds
  foreach(f my_rule.c my_rate_rule.c Makefile model.json)
    file(COPY ${SOURCE_DIR}/${f} DESTINATION ${work}/make)
  endforeach()
  file(COPY ${SOURCE_DIR}/my_rule.c DESTINATION ${work}/one_line)
  step("${tag}: PKG_CONFIG_PATH=... make" ${work}/make ${MAKE})
  step("${tag}: one-line cc" ${work}/one_line ${SH} -c "${ONE_LINE}")
  foreach(d make one_line)
    if(NOT EXISTS ${work}/${d}/my_rule.so)
      message(FATAL_ERROR "${tag}: the build in ${work}/${d} made no my_rule.so")
    endif()
  endforeach()
  if(NOT EXISTS ${work}/make/my_rate_rule.so)
    message(FATAL_ERROR "${tag}: make made no my_rate_rule.so")
  endif()

  # 4. the installed CLI, the commands of docs/writing-a-rule.md §3
  set(cli ${prefix}/bin/metaplast)
  # the rate tutorial rule's step_vjp against finite differences (§5),
  # its per-synapse learning rate included
  step("${tag}: ${GRADCHECK_LINE}" ${work}/make ${SH} -c "${prefix}/bin/${GRADCHECK_LINE}")
  foreach(want "p.eta[synapse]" "p.lambda" "passed: my_rate_rule")
    must_contain("${GRADCHECK_LINE}" "${STEP_OUT}" "${want}")
  endforeach()
  step("${tag}: metaplast check" ${work}/make ${cli} check model.json)
  step("${tag}: metaplast run" ${work}/make ${cli} run model.json --out out/
       --set ${RUN_SET} --quiet)
  if(NOT EXISTS ${work}/make/out/summary.json)
    message(FATAL_ERROR "metaplast run wrote no ${work}/make/out/summary.json")
  endif()
  # By name, from the installation's plugin directory: found by the
  # installed binary itself, with no METAPLAST_PLUGIN_PATH.
  step("${tag}: ${COPY_LINE}" ${work}/make ${SH} -c "${COPY_LINE}")
  step("${tag}: metaplast check (rule by name)" ${work}/make ${cli} check model.json
       --set projections[inh].plasticity.rule=my_rule)
  step("${tag}: metaplast plugins" ${work}/make ${cli} plugins)
  foreach(want "${want_dir}/my_rule.so" "name:    my_rule" "${want_dir}/istdp.so")
    must_contain("metaplast plugins" "${STEP_OUT}" "${want}")
  endforeach()
  file(REMOVE ${want_dir}/my_rule.so)
  set(ENV{METAPLAST_PLUGIN_PATH} ${work}/make)
  step("${tag}: METAPLAST_PLUGIN_PATH=$PWD metaplast plugins" ${work}/make ${cli} plugins)
  must_contain("metaplast plugins" "${STEP_OUT}" "${work}/make/my_rule.so")
  unset(ENV{METAPLAST_PLUGIN_PATH})
  set(PLUGINS_OUT "${STEP_OUT}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${PREFIX} ${PREFIX}.moved ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

# 1. install, and 2.-4. with it where it was installed
step("install" ${WORK_DIR} ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX})
use_install(${PREFIX} installed)

# 5. the same tree moved: nothing may still point at PREFIX
file(RENAME ${PREFIX} ${PREFIX}.moved)
use_install(${PREFIX}.moved moved)
string(FIND "${PLUGINS_OUT}" "${PREFIX}/" at)
if(NOT at EQUAL -1)
  message(FATAL_ERROR "after the move, metaplast plugins still searches "
          "${PREFIX}:\n${PLUGINS_OUT}")
endif()

# 6. embedding, against the moved tree
file(COPY ${SOURCE_DIR}/embed.c ${SOURCE_DIR}/model.json DESTINATION ${WORK_DIR}/embed)
file(COPY ${WORK_DIR}/moved/make/my_rule.so DESTINATION ${WORK_DIR}/embed)
step("cc embed.c (metaplast-embed)" ${WORK_DIR}/embed ${SH} -c "${EMBED_LINE}")
# A sanitizer build installs an instrumented libmetaplast: its runtime must
# come first in a program built without -fsanitize, as the documented one is.
set(preload "")
if(SANITIZE)
  execute_process(COMMAND ${C_COMPILER} -print-file-name=libasan.so OUTPUT_VARIABLE asan
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  set(preload ${CMAKE_COMMAND} -E env LD_PRELOAD=${asan})
endif()
step("embed model.json" ${WORK_DIR}/embed ${preload} ./embed model.json)
must_contain("embed's output" "${STEP_OUT}" "oot_single_neuron")
# The installed model names istdp by name: the library finds the rules
# installed beside it, in the moved tree, with no METAPLAST_PLUGIN_PATH.
file(GLOB_RECURSE shipped ${PREFIX}.moved/*/vogels2011_single_neuron.json)
if(NOT shipped)
  message(FATAL_ERROR "models/vogels2011_single_neuron.json is not installed")
endif()
step("embed (rule by name)" ${WORK_DIR}/embed ${preload} ./embed ${shipped})
must_contain("embed's output" "${STEP_OUT}" "vogels2011_single_neuron")
file(REMOVE_RECURSE ${PREFIX}.moved)
