# Runs `metaplast check` on one data-driven model case and compares.
#
#   cmake -DCLI=<metaplast> -DCASE_DIR=<dir with model.json> -DEXPECT_RC=2
#         [-DMODEL=<model file, default CASE_DIR/model.json>] -P run_check_case.cmake
#
# The case passes when the exit status is EXPECT_RC and every line of
# CASE_DIR/expected (when present) occurs in the output: stderr for a
# failing case, stdout for a passing one. CASE_DIR/args, when present, holds
# extra command-line arguments, one per line (e.g. --set, seed=7).

# tests/CMakeLists.txt includes every tests/*.cmake as a module: this file
# is a script, so it does nothing unless run with -P.
if(NOT CMAKE_SCRIPT_MODE_FILE)
  return()
endif()

if(NOT MODEL)
  set(MODEL ${CASE_DIR}/model.json)
endif()
set(args check ${MODEL})
if(EXISTS ${CASE_DIR}/args)
  file(STRINGS ${CASE_DIR}/args extra)
  list(APPEND args ${extra})
endif()

execute_process(COMMAND ${CLI} ${args} RESULT_VARIABLE rc
                OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL EXPECT_RC)
  message(FATAL_ERROR "metaplast ${args}: exit ${rc}, expected ${EXPECT_RC}\n"
                      "stdout: ${out}\nstderr: ${err}")
endif()

if(EXISTS ${CASE_DIR}/expected)
  if(EXPECT_RC EQUAL 0)
    set(got "${out}")
  else()
    set(got "${err}")
  endif()
  # Messages hold ';' and '[ ]', which CMake lists treat specially: encode
  # them on both sides before splitting the expected text into lines.
  file(READ ${CASE_DIR}/expected want)
  foreach(var want got)
    string(REPLACE ";" "<semi>" ${var} "${${var}}")
    string(REPLACE "[" "<lb>" ${var} "${${var}}")
    string(REPLACE "]" "<rb>" ${var} "${${var}}")
  endforeach()
  string(REPLACE "\n" ";" lines "${want}")
  foreach(line IN LISTS lines)
    if(line STREQUAL "")
      continue()
    endif()
    string(FIND "${got}" "${line}" pos)
    if(pos EQUAL -1)
      string(REPLACE "<semi>" ";" line "${line}")
      string(REPLACE "<lb>" "[" line "${line}")
      string(REPLACE "<rb>" "]" line "${line}")
      message(FATAL_ERROR "metaplast ${args}: the output lacks\n  ${line}\n"
                          "stdout: ${out}\nstderr: ${err}")
    endif()
  endforeach()
endif()
