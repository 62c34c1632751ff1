# Runs one case of tests/checkpoint_cases.cmake.
#   cmake -DCLI=<metaplast> -DCASE=<case folder> -DEXP=<experiment.json>
#         -DWORK=<dir> -P run_checkpoint_case.cmake
# The case's checkpoint.json holds "@@@@@@@@@@@@@@@@" where the experiment's
# hash goes (16 characters: line:col stay those of the file), taken from a
# checkpoint that a one-iteration run writes; the test resumes in WORK/run
# with `--resume .`, so that messages name "checkpoint.json:L:C".
if(NOT CMAKE_SCRIPT_MODE_FILE)
  return()
endif()
include(${CMAKE_CURRENT_LIST_DIR}/expect_message.cmake)
get_filename_component(name ${CASE} NAME)
file(REMOVE_RECURSE ${WORK})
execute_process(COMMAND ${CLI} meta ${EXP} --out ${WORK}/probe --quiet --max-iterations 1
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the probe run failed: exit ${rc}\n${err}")
endif()
file(READ ${WORK}/probe/checkpoint.json probe)
string(JSON hash GET "${probe}" experiment_hash)
file(MAKE_DIRECTORY ${WORK}/run)
if(EXISTS ${CASE}/checkpoint.json)
  file(READ ${CASE}/checkpoint.json cp)
  string(REPLACE "@@@@@@@@@@@@@@@@" "${hash}" cp "${cp}")
  file(WRITE ${WORK}/run/checkpoint.json "${cp}")
  # the log a run of that many iterations has (--resume cuts it to iter)
  file(COPY_FILE ${WORK}/probe/log.jsonl ${WORK}/run/log.jsonl)
  foreach(i RANGE 8)
    file(APPEND ${WORK}/run/log.jsonl "{}\n")
  endforeach()
endif()
execute_process(COMMAND ${CLI} meta ${EXP} --resume . --quiet --max-iterations 3
                WORKING_DIRECTORY ${WORK}/run RESULT_VARIABLE rc OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
if(name MATCHES "^valid_")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${name}: a valid checkpoint was refused: exit ${rc}\n${err}")
  endif()
  return()
endif()
if(NOT rc EQUAL 2)
  message(FATAL_ERROR "${name}: exit ${rc}, expected 2\n${out}\n${err}")
endif()
mp_expect_message("${name}" "${err}" ${CASE}/expected)
