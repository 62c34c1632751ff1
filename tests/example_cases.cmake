# The reproduction logs of examples/ come out of this build: the first
# iterations of every committed meta log, rerun from its experiment file,
# equal the log to its 6 significant digits (tests/check_example_logs.py).
# Labelled slow (about a minute: the six-parameter Fig. 3 logs run 90 s of
# simulated time per evaluation), so the sanitizer pass skips it.
find_program(MP_PYTHON3 python3)
if(MP_PYTHON3)
  add_test(NAME example_logs_reproduce
    COMMAND ${MP_PYTHON3} ${PROJECT_SOURCE_DIR}/tests/check_example_logs.py ${CMAKE_BINARY_DIR})
  set_tests_properties(example_logs_reproduce PROPERTIES ENVIRONMENT "${MP_TEST_ENV}"
                       LABELS "slow;examples")
endif()
