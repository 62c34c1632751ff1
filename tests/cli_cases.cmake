# Command-line level tests of `metaplast run` (bit-identical outputs for the
# same seed, exit codes). Cases run the CLI through tests/run_cli_case.cmake.
set(MP_CLI_CASE ${CMAKE_CURRENT_SOURCE_DIR}/run_cli_case.cmake)
set(MP_VOGELS ${PROJECT_SOURCE_DIR}/models/vogels2011_single_neuron.json)

add_test(NAME cli_same_seed_bit_identical
  COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:metaplast_cli> -DMODEL=${MP_VOGELS}
          -DWORK=${CMAKE_CURRENT_BINARY_DIR}/cli_determinism -DCASE=determinism
          -P ${MP_CLI_CASE})
add_test(NAME cli_bad_arguments
  COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:metaplast_cli> -DMODEL=${MP_VOGELS}
          -DWORK=${CMAKE_CURRENT_BINARY_DIR}/cli_badargs -DCASE=badargs
          -DSRC=${PROJECT_SOURCE_DIR} -P ${MP_CLI_CASE})
# A FIFO or a directory where an input file is expected (model, experiment,
# checkpoint.json, log.jsonl of --resume, log.jsonl of a new run) is refused
# at once with the reason; none may hang the command (issue 8).
add_test(NAME cli_inputs_not_regular
  COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:metaplast_cli> -DMODEL=${MP_VOGELS}
          -DWORK=${CMAKE_CURRENT_BINARY_DIR}/cli_inputs -DCASE=inputs
          -DSRC=${PROJECT_SOURCE_DIR} -P ${MP_CLI_CASE})
# meta --evaluate --theta FILE --out DIR: an outside optimizer's ask/tell step
add_test(NAME cli_meta_evaluate_theta
  COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:metaplast_cli> -DMODEL=${MP_VOGELS}
          -DWORK=${CMAKE_CURRENT_BINARY_DIR}/cli_evaluate -DCASE=evaluate
          -DSRC=${PROJECT_SOURCE_DIR} -P ${MP_CLI_CASE})
set_tests_properties(cli_same_seed_bit_identical cli_bad_arguments cli_inputs_not_regular
  cli_meta_evaluate_theta
  PROPERTIES ENVIRONMENT "${MP_TEST_ENV}")
# Every command's --help (and -h, help COMMAND) is its usage, exit 0,
# consistent with `metaplast help` and docs/cli.md.
foreach(cmd run check meta plugins version help)
  add_test(NAME cli_help_${cmd}
    COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:metaplast_cli> -DMODEL=${MP_VOGELS}
            -DWORK=${CMAKE_CURRENT_BINARY_DIR}/cli_help_${cmd} -DCASE=help -DCMD=${cmd}
            -DDOC=${PROJECT_SOURCE_DIR}/docs/cli.md -P ${MP_CLI_CASE})
  set_tests_properties(cli_help_${cmd} PROPERTIES ENVIRONMENT "${MP_TEST_ENV}")
endforeach()
set_tests_properties(test_vogels_single_neuron PROPERTIES LABELS slow)
