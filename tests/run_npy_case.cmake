# cmake -DCLI=metaplast -DMODEL=model.json -DWORK=dir -P run_npy_case.cmake
# Runs the .npy example model and checks its summary: all 150 training
# samples loaded, 60 test samples scored, test accuracy >= 0.9 (the run
# reaches 0.98; chance is 1/3).
if(NOT CMAKE_SCRIPT_MODE_FILE)
  return()
endif()
file(REMOVE_RECURSE ${WORK})
execute_process(COMMAND ${CLI} run ${MODEL} --out ${WORK} RESULT_VARIABLE rc
                OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 60)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "metaplast run ${MODEL}: exit ${rc}\n${out}\n${err}")
endif()
file(READ ${WORK}/summary.json summary)
string(JSON n GET "${summary}" train_size)
string(JSON nt GET "${summary}" test_samples)
string(JSON acc GET "${summary}" test_accuracy)
if(NOT n EQUAL 150 OR NOT nt EQUAL 60)
  message(FATAL_ERROR "train_size ${n} (expected 150), test_samples ${nt} (expected 60)")
endif()
if(acc LESS 0.9)
  message(FATAL_ERROR "test accuracy ${acc} after training, expected >= 0.9")
endif()
message(STATUS "test accuracy ${acc}")
