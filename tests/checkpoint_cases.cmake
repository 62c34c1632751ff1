# `metaplast meta EXPERIMENT --resume DIR` on checkpoints edited by hand or
# damaged (docs/meta.md "checkpoint.json"):
#   tests/experiments/checkpoint_invalid/<case>/checkpoint.json must be
#   refused with exit 2 and the first line of <case>/expected exactly
#   (tests/expect_message.cmake); a case without checkpoint.json has none;
#   valid_* cases must resume. Cases named cmaes_* or valid_cmaes are
#   checkpoints of tests/experiments/valid/vogels_cmaes, the others of
#   vogels_fd.
set(MP_CHECKPOINT_CASE ${CMAKE_CURRENT_SOURCE_DIR}/run_checkpoint_case.cmake)
set(MP_CHECKPOINT_DIR ${CMAKE_CURRENT_SOURCE_DIR}/experiments/checkpoint_invalid)

file(GLOB dirs LIST_DIRECTORIES true CONFIGURE_DEPENDS ${MP_CHECKPOINT_DIR}/*)
foreach(dir ${dirs})
  get_filename_component(case ${dir} NAME)
  if(NOT IS_DIRECTORY ${dir} OR NOT (EXISTS ${dir}/expected OR case MATCHES "^valid_"))
    continue()
  endif()
  if(case MATCHES "cmaes")
    set(exp ${CMAKE_CURRENT_SOURCE_DIR}/experiments/valid/vogels_cmaes/experiment.json)
  else()
    set(exp ${CMAKE_CURRENT_SOURCE_DIR}/experiments/valid/vogels_fd/experiment.json)
  endif()
  add_test(NAME checkpoint_${case}
    COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:metaplast_cli> -DCASE=${dir}
            -DEXP=${exp} -DWORK=${CMAKE_CURRENT_BINARY_DIR}/checkpoint_${case}
            -P ${MP_CHECKPOINT_CASE})
  set_tests_properties(checkpoint_${case} PROPERTIES ENVIRONMENT "${MP_TEST_ENV}"
                       LABELS meta)
endforeach()
