# Runs `CLI plugins ARGS...` (ARGS: a ;-list) and checks its exit status
# (RC) and that its output (stdout + stderr) contains every string of the
# ;-list HAS, and none of HASNT. Used by tests/gradcheck_cases.cmake.
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND ${CLI} plugins ${args}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(all "${out}${err}")
if(NOT rc STREQUAL "${RC}")
  message(FATAL_ERROR "metaplast plugins ${args}: exit ${rc}, expected ${RC}\n${all}")
endif()
string(REPLACE "|" ";" has "${HAS}")
foreach(s IN LISTS has)
  string(FIND "${all}" "${s}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "metaplast plugins ${args}: output lacks '${s}'\n${all}")
  endif()
endforeach()
string(REPLACE "|" ";" hasnt "${HASNT}")
foreach(s IN LISTS hasnt)
  string(FIND "${all}" "${s}" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "metaplast plugins ${args}: output has '${s}'\n${all}")
  endif()
endforeach()
