# The cases of plugin_trusted_only (tests/plugin_trust_cases.cmake):
#   cmake -DCLI=<metaplast> -DPLUGIN_DIR=<build>/plugins -DMODEL=<vogels model>
#         -DWORK=<dir> -P run_trust.cmake
# WORK/outside/istdp.so is a plugin off the search path; WORK/trusted is put
# on METAPLAST_PLUGIN_PATH and holds a real copy (istdp.so), one in a
# subdirectory (sub/istdp.so), a symlink out (sym/istdp.so -> outside) and a
# directory symlink out (esc -> outside); WORK/trusted-evil shares its prefix.
foreach(v CLI PLUGIN_DIR MODEL WORK)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "run_trust.cmake: -D${v}=... is required")
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/outside ${WORK}/trusted/sym ${WORK}/via)
foreach(d outside trusted trusted/sub trusted-evil)
  file(COPY ${PLUGIN_DIR}/istdp.so DESTINATION ${WORK}/${d})
endforeach()
file(CREATE_LINK ${WORK}/outside/istdp.so ${WORK}/trusted/sym/istdp.so SYMBOLIC)
file(CREATE_LINK ${WORK}/outside ${WORK}/trusted/esc SYMBOLIC)
file(CREATE_LINK ${WORK}/trusted/istdp.so ${WORK}/via/istdp.so SYMBOLIC)
set(TRUSTED "METAPLAST_PLUGIN_PATH=${WORK}/trusted")
set(NO_PATH "--unset=METAPLAST_PLUGIN_PATH")
set(ENV_OFF "--unset=METAPLAST_TRUSTED_PLUGINS_ONLY")

# model(NAME RULE): WORK/NAME.json, the Vogels model with its inh rule RULE.
file(READ ${MODEL} vogels)
function(model name rule)
  string(JSON json SET "${vogels}" projections 1 plasticity rule "\"${rule}\"")
  file(WRITE ${WORK}/${name}.json "${json}")
endfunction()

# expect(RC ENV... -- ARGS...): runs `env ENV... metaplast ARGS...` in WORK.
function(expect want)
  list(FIND ARGN "--" at)
  list(SUBLIST ARGN 0 ${at} envs)
  math(EXPR at "${at} + 1")
  list(SUBLIST ARGN ${at} -1 args)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env ${ENV_OFF} ${envs} ${CLI} ${args}
                  WORKING_DIRECTORY ${WORK} RESULT_VARIABLE rc
                  OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL want)
    message(FATAL_ERROR "${envs} metaplast ${args}: exit ${rc}, expected ${want}\n"
            "${out}\n${err}")
  endif()
  string(JOIN " " shown ${envs} metaplast ${args})
  message(STATUS "${shown}: exit ${rc}")
  set(LAST_ERR "${err}" PARENT_SCOPE)
endfunction()

function(err_has)
  foreach(want ${ARGN})
    string(FIND "${LAST_ERR}" "${want}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "the message does not name '${want}':\n${LAST_ERR}")
    endif()
  endforeach()
endfunction()

# 1. an absolute path outside the search path: loaded without the option,
#    refused with the flag and with the environment variable
model(abs ${WORK}/outside/istdp.so)
expect(0 ${NO_PATH} -- check abs.json)
expect(2 ${NO_PATH} -- check abs.json --trusted-plugins-only)
err_has("abs.json:" "projections[1].plasticity.rule" "${WORK}/outside/istdp.so"
        "--trusted-plugins-only" "add its directory to METAPLAST_PLUGIN_PATH")
expect(2 ${NO_PATH} METAPLAST_TRUSTED_PLUGINS_ONLY=1 -- check abs.json)
err_has("abs.json:" "projections[1].plasticity.rule" "${WORK}/outside/istdp.so")
expect(2 ${NO_PATH} METAPLAST_TRUSTED_PLUGINS_ONLY=1 -- run abs.json --out out --quiet)
expect(0 ${NO_PATH} METAPLAST_TRUSTED_PLUGINS_ONLY=0 -- check abs.json)
expect(0 ${NO_PATH} METAPLAST_TRUSTED_PLUGINS_ONLY= -- check abs.json)
# a value that is neither on nor off must not pass as off
expect(2 ${NO_PATH} METAPLAST_TRUSTED_PLUGINS_ONLY=yes -- check abs.json)
err_has("METAPLAST_TRUSTED_PLUGINS_ONLY is 'yes'")

# 2. paths that start in the search path and lead out of it
model(dotdot trusted/../outside/istdp.so)
expect(0 ${TRUSTED} -- check dotdot.json)
expect(2 ${TRUSTED} -- check dotdot.json --trusted-plugins-only)
err_has("${WORK}/outside/istdp.so")
model(symfile trusted/sym/istdp.so)
expect(0 ${TRUSTED} -- check symfile.json)
expect(2 ${TRUSTED} -- check symfile.json --trusted-plugins-only)
err_has("'trusted/sym/istdp.so'" "${WORK}/outside/istdp.so")
model(symdir trusted/esc/istdp.so)
expect(2 ${TRUSTED} -- check symdir.json --trusted-plugins-only)
err_has("${WORK}/outside/istdp.so")
# only files directly in a search directory, as a bare name would find them;
# a directory that merely starts with the same characters is another one
model(subdir trusted/sub/istdp.so)
expect(0 ${TRUSTED} -- check subdir.json)
expect(2 ${TRUSTED} -- check subdir.json --trusted-plugins-only)
model(evil ${WORK}/trusted-evil/istdp.so)
expect(2 ${TRUSTED} -- check evil.json --trusted-plugins-only)
err_has("${WORK}/trusted-evil/istdp.so")

# 3. files on the search path, by path: METAPLAST_PLUGIN_PATH, through a
#    symlink into it, the build's own plugin directory; and by name
model(inside ${WORK}/trusted/istdp.so)
expect(0 ${TRUSTED} -- check inside.json --trusted-plugins-only)
expect(0 ${TRUSTED} METAPLAST_TRUSTED_PLUGINS_ONLY=1 -- check inside.json)
expect(2 ${NO_PATH} -- check inside.json --trusted-plugins-only)
model(via via/istdp.so)
expect(0 ${TRUSTED} -- check via.json --trusted-plugins-only)
model(builtin ${PLUGIN_DIR}/istdp.so)
expect(0 ${NO_PATH} -- check builtin.json --trusted-plugins-only)
expect(0 ${NO_PATH} -- check ${MODEL} --trusted-plugins-only)

# 4. meta: the experiment's model is loaded under the same policy
string(CONCAT experiment "{\"format\": \"metaplast-experiment\", \"version\": 1,"
  "\"model\": \"abs.json\","
  "\"free\": [{\"param\": \"alpha\", \"projections\": [\"inh\"], \"init\": -0.05}],"
  "\"tasks\": {\"kind\": \"model\", \"per_iteration\": 1},"
  "\"inner\": {\"duration\": 20, \"score_window\": [0, 20]},"
  "\"loss\": {\"kind\": \"target_rate\", \"population\": \"post\", \"rate\": 5.0},"
  "\"penalty\": {\"kind\": \"none\"},"
  "\"optimizer\": {\"kind\": \"adam\", \"lr\": 0.02, \"gradient\": \"finite_difference\", \"fd_step\": 0.01},"
  "\"iterations\": 1, \"seed\": 1}")
file(WRITE ${WORK}/experiment.json "${experiment}")
expect(0 ${NO_PATH} -- meta experiment.json --evaluate)
expect(2 ${NO_PATH} -- meta experiment.json --evaluate --trusted-plugins-only)
err_has("abs.json:" "projections[1].plasticity.rule" "${WORK}/outside/istdp.so")
expect(2 ${NO_PATH} METAPLAST_TRUSTED_PLUGINS_ONLY=1 -- meta experiment.json --evaluate)
