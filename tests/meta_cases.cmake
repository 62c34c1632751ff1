# `metaplast meta` at the command line (docs/meta.md):
#   tests/experiments/invalid/<case>/experiment.json must fail with exit 2 and
#       every line of <case>/expected in the message;
#   resume: 6 iterations in one go == 3 + --resume 3 (log lines except timing);
#   resume_alone: the same with `--resume DIR` and no experiment file named;
#   resume_changed / resume_missing: an experiment file edited or moved since
#       the checkpoint is refused with the checkpoint, the file and the fix;
#   resume_old_checkpoint: a checkpoint without its experiment file resumes
#       when the file is named, and says how when it is not;
#   threads: --threads 1 == --threads 2 == --threads 3 (reused nets; mse_exact:
#       exact gradients of the mse loss);
#   blowup: a rule that explodes is penalized and logged, the run goes on;
#   set: `meta --set` edits the model (== the parameter freed by path), is
#       recorded in result.json's command and refused with --resume;
#   decreases: the meta-loss of free_arrays (W0, B, eta per synapse) falls
#       over its iterations and its result reads back through --theta;
#   vogels_six: six parameters (log-scale time constants) with a random
#       score window resume and thread-count invariance.
set(MP_META_CASE ${CMAKE_CURRENT_SOURCE_DIR}/run_meta_case.cmake)
set(MP_META_EXP ${CMAKE_CURRENT_SOURCE_DIR}/experiments)

function(mp_meta_case name case exp)
  add_test(NAME ${name}
    COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:metaplast_cli> -DCASE=${case}
            -DEXP=${exp} -DWORK=${CMAKE_CURRENT_BINARY_DIR}/meta_${name} ${ARGN}
            -P ${MP_META_CASE})
  set_tests_properties(${name} PROPERTIES ENVIRONMENT "${MP_TEST_ENV}" LABELS meta)
endfunction()

file(GLOB dirs LIST_DIRECTORIES true CONFIGURE_DEPENDS ${MP_META_EXP}/invalid/*)
foreach(dir ${dirs})
  if(IS_DIRECTORY ${dir} AND EXISTS ${dir}/experiment.json)
    get_filename_component(case ${dir} NAME)
    mp_meta_case(meta_invalid_${case} invalid ${dir}/experiment.json
                 -DEXPECTED=${dir}/expected)
  endif()
endforeach()

mp_meta_case(meta_resume_adam_fd resume ${MP_META_EXP}/valid/vogels_fd/experiment.json)
mp_meta_case(meta_resume_alone resume_alone ${MP_META_EXP}/valid/vogels_fd/experiment.json)
mp_meta_case(meta_resume_changed_refused resume_changed
             ${MP_META_EXP}/valid/vogels_fd/experiment.json)
mp_meta_case(meta_resume_missing_refused resume_missing
             ${MP_META_EXP}/valid/vogels_fd/experiment.json)
mp_meta_case(meta_resume_old_checkpoint resume_old_checkpoint
             ${MP_META_EXP}/valid/vogels_fd/experiment.json)
mp_meta_case(meta_resume_cmaes resume ${MP_META_EXP}/valid/vogels_cmaes/experiment.json)
mp_meta_case(meta_threads_adam_fd threads ${MP_META_EXP}/valid/vogels_fd/experiment.json)
mp_meta_case(meta_threads_cmaes threads ${MP_META_EXP}/valid/vogels_cmaes/experiment.json)
mp_meta_case(meta_threads_fashion threads ${MP_META_EXP}/valid/fashion_fd/experiment.json)
mp_meta_case(meta_threads_mse_exact threads ${MP_META_EXP}/valid/mse_exact/experiment.json)
mp_meta_case(meta_resume_fashion resume ${MP_META_EXP}/valid/fashion_fd/experiment.json)
mp_meta_case(meta_blowup_penalized blowup ${MP_META_EXP}/valid/blowup/experiment.json)
mp_meta_case(meta_set_model set ${MP_META_EXP}/valid/vogels_fd/experiment.json)
mp_meta_case(meta_resume_six resume ${MP_META_EXP}/valid/vogels_six/experiment.json)
mp_meta_case(meta_threads_six threads ${MP_META_EXP}/valid/vogels_six/experiment.json)
mp_meta_case(meta_resume_free_arrays resume
             ${MP_META_EXP}/valid/free_arrays/experiment.json)
mp_meta_case(meta_free_arrays_decrease decreases
             ${MP_META_EXP}/valid/free_arrays/experiment.json)
