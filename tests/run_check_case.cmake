# Runs `metaplast check` on one data-driven model case and compares.
#
#   cmake -DCLI=<metaplast> -DCASE_DIR=<dir with model.json> -DEXPECT_RC=2
#         [-DMODEL=<model file, default CASE_DIR/model.json>]
#         [-DSUBCOMMAND=run -DOUT=<output dir>] -P run_check_case.cmake
#
# SUBCOMMAND (default check) is the command run; OUT, when given, is passed
# as --out.
#
# The case passes when the exit status is EXPECT_RC and CASE_DIR/expected
# (when present) matches the output: for a failing case, the first line of
# the message on stderr is the first line of expected exactly
# (tests/expect_message.cmake); for a passing one, every line of expected
# occurs in stdout. The command runs in CASE_DIR with the model's path
# relative to it, so messages read "model.json:12:17: ..." on every machine.
# CASE_DIR/args, when present, holds extra command-line arguments, one per
# line (e.g. --set, seed=7).

# tests/CMakeLists.txt includes every tests/*.cmake as a module: this file
# is a script, so it does nothing unless run with -P.
if(NOT CMAKE_SCRIPT_MODE_FILE)
  return()
endif()

include(${CMAKE_CURRENT_LIST_DIR}/expect_message.cmake)

if(NOT MODEL)
  set(MODEL ${CASE_DIR}/model.json)
endif()
set(workdir ${CMAKE_CURRENT_BINARY_DIR})
if(IS_DIRECTORY ${CASE_DIR})
  set(workdir ${CASE_DIR})
  file(RELATIVE_PATH MODEL ${CASE_DIR} ${MODEL})
endif()
if(NOT SUBCOMMAND)
  set(SUBCOMMAND check)
endif()
set(args ${SUBCOMMAND} ${MODEL})
if(OUT)
  list(APPEND args --out ${OUT})
endif()
if(EXISTS ${CASE_DIR}/args)
  file(STRINGS ${CASE_DIR}/args extra)
  list(APPEND args ${extra})
endif()

execute_process(COMMAND ${CLI} ${args} WORKING_DIRECTORY ${workdir}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL EXPECT_RC)
  message(FATAL_ERROR "metaplast ${args}: exit ${rc}, expected ${EXPECT_RC}\n"
                      "stdout: ${out}\nstderr: ${err}")
endif()

if(EXISTS ${CASE_DIR}/expected AND NOT EXPECT_RC EQUAL 0)
  mp_expect_message("metaplast ${args}" "${err}" ${CASE_DIR}/expected)
elseif(EXISTS ${CASE_DIR}/expected)
  file(READ ${CASE_DIR}/expected want)
  mp_expect_lines("metaplast ${args} (stdout: ${out})" "${want}" "${out}")
endif()
