# cmake -DCLI=metaplast -DMODEL=model.json -DWORK=dir [-DKIND=regression]
#       -P run_npy_case.cmake
# Runs an .npy example model with `metaplast run` and checks what it learned.
#   classification (tests/models/valid/rate_npy): all 150 training samples
#     loaded, 60 test samples scored, test accuracy >= 0.9 (the run reaches
#     0.98; chance is 1/3).
#   regression (tests/models/valid/rate_npy_regression: y = tanh(A x), two
#     real-valued targets, training.loss mse): the test loss of the accuracy
#     recorder's first row (before training) is at least 0.3 (the run starts
#     at 0.564), the final test loss in summary.json at most 0.02 (the run
#     reaches 0.0078), so at least 15 times lower; regression targets have
#     no accuracy: "nan" in the CSV, null in summary.json.
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

if(NOT KIND STREQUAL "regression")
  string(JSON acc GET "${summary}" test_accuracy)
  if(NOT n EQUAL 150 OR NOT nt EQUAL 60)
    message(FATAL_ERROR "train_size ${n} (expected 150), test_samples ${nt} (expected 60)")
  endif()
  if(acc LESS 0.9)
    message(FATAL_ERROR "test accuracy ${acc} after training, expected >= 0.9")
  endif()
  message(STATUS "test accuracy ${acc}")
  return()
endif()

file(STRINGS ${WORK}/accuracy.csv rows)
list(GET rows 0 head)
list(GET rows 1 first)
if(NOT head STREQUAL "samples_seen,accuracy,loss" OR NOT first MATCHES "^0,nan,")
  message(FATAL_ERROR "accuracy.csv starts with\n${head}\n${first}\n"
                      "expected the header and 0,nan,<loss>")
endif()
string(REGEX REPLACE "^0,nan," "" initial "${first}")
string(JSON final GET "${summary}" test_loss)
string(JSON acc_type TYPE "${summary}" test_accuracy)
if(NOT n EQUAL 400 OR NOT nt EQUAL 100 OR NOT acc_type STREQUAL "NULL")
  message(FATAL_ERROR "train_size ${n} (expected 400), test_samples ${nt} (expected 100), "
                      "test_accuracy ${acc_type} (expected null)")
endif()
if(initial LESS 0.3 OR final GREATER 0.02)
  message(FATAL_ERROR "test loss ${initial} before training, ${final} after: expected "
                      ">= 0.3 before and <= 0.02 after")
endif()
message(STATUS "test loss ${initial} before training, ${final} after")
