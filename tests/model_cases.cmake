# Model files as data (Jansson's test suites): one CTest case per folder.
#   tests/models/invalid/<case>/model.json  must fail `metaplast check` with
#       exit status 2 and every line of <case>/expected in its message
#       ("model.json:12:17: projections[0].delay: must be ...");
#   tests/models/valid/<case>/model.json    must pass (exit 0; <case>/expected,
#       if present, is looked for in stdout);
#   models/*.json                           (the shipped models) must pass.
# A case folder may hold the data files its model names (spike files) and an
# `args` file of extra arguments, one per line. The runner is
# tests/run_check_case.cmake; tests/test_model_cases.c runs the same tables
# through the library directly.
set(MP_CHECK_CASE ${CMAKE_CURRENT_SOURCE_DIR}/run_check_case.cmake)

function(mp_model_case name dir model rc)
  add_test(NAME ${name}
    COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:metaplast_cli> -DCASE_DIR=${dir}
            -DMODEL=${model} -DEXPECT_RC=${rc} -P ${MP_CHECK_CASE})
  set_tests_properties(${name} PROPERTIES ENVIRONMENT "${MP_TEST_ENV}"
                       LABELS model)
endfunction()

foreach(kind invalid valid)
  set(rc 0)
  if(kind STREQUAL "invalid")
    set(rc 2)
  endif()
  file(GLOB dirs LIST_DIRECTORIES true CONFIGURE_DEPENDS
       ${CMAKE_CURRENT_SOURCE_DIR}/models/${kind}/*)
  foreach(dir ${dirs})
    if(IS_DIRECTORY ${dir} AND EXISTS ${dir}/model.json)
      get_filename_component(case ${dir} NAME)
      mp_model_case(model_${kind}_${case} ${dir} ${dir}/model.json ${rc})
    endif()
  endforeach()
endforeach()

file(GLOB MP_SHIPPED_MODELS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/models/*.json)
foreach(model ${MP_SHIPPED_MODELS})
  get_filename_component(case ${model} NAME_WE)
  mp_model_case(model_shipped_${case} ${CMAKE_CURRENT_SOURCE_DIR}/models/none
                ${model} 0)
endforeach()

# `run` refuses at load what `check` refuses: --duration 1e18 (1e19 steps of
# 0.1 ms) used to run 0 steps and exit 0 (issue 8).
add_test(NAME model_run_duration_beyond_step_limit
  COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:metaplast_cli>
          -DCASE_DIR=${CMAKE_CURRENT_SOURCE_DIR}/models/run/duration_beyond_step_limit
          -DMODEL=${PROJECT_SOURCE_DIR}/models/vogels2011_single_neuron.json
          -DEXPECT_RC=2 -DSUBCOMMAND=run
          -DOUT=${CMAKE_CURRENT_BINARY_DIR}/run_duration_beyond_step_limit
          -P ${MP_CHECK_CASE})
set_tests_properties(model_run_duration_beyond_step_limit PROPERTIES
                     ENVIRONMENT "${MP_TEST_ENV}" LABELS model)
